package io.signalbox.consensus;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.message.ZabMessage;
import java.util.List;

/**
 * What the core asks its runtime to do. The runtime carries effects out strictly in
 * the order returned. {@link PersistEpochs}, {@link TruncateLog} and
 * {@link InstallSnapshot} must be durable before the runtime moves on to the next
 * effect; {@link AppendTxns} may complete later, and its completion comes back as
 * {@link ZabCore#persisted(long)}. Because of that order, a {@link Send} that depends on
 * something durable always follows it.
 */
public sealed interface Effect {

    /** Write both epochs atomically and durably. */
    record PersistEpochs(long acceptedEpoch, long currentEpoch) implements Effect {}

    /** Remove every log entry after {@code afterZxid}, durably; entries kept are durable afterwards. */
    record TruncateLog(long afterZxid) implements Effect {
        @Override
        public String toString() {
            return "TruncateLog[after=" + Zxid.format(afterZxid) + "]";
        }
    }

    /**
     * Replace state and log with this snapshot, durably, and reset the state machine to it.
     * {@code durable} is false only under the snap-not-durable bug switch.
     */
    record InstallSnapshot(Snapshot snapshot, boolean durable) implements Effect {}

    /**
     * Append these txns after the log's last entry. The runtime must eventually report them
     * through {@link ZabCore#persisted(long)} (group commit may batch many appends into one
     * report): followers ack, and a new leader adopts its epoch, only on that report.
     */
    record AppendTxns(List<Txn> txns) implements Effect {
        public AppendTxns {
            txns = List.copyOf(txns);
        }

        @Override
        public String toString() {
            return "AppendTxns[" + Zxid.format(txns.get(0).zxid()) + ".." + Zxid.format(txns.get(txns.size() - 1).zxid()) + "]";
        }
    }

    record Send(int to, ZabMessage message) implements Effect {}

    /** A committed txn, handed to the state machine; delivered strictly in zxid order. */
    record Deliver(Txn txn) implements Effect {}

    /**
     * A read-index round completed: the read {@code readId} may be answered from state applied
     * up to {@code readZxid} (the leader has delivered that much already). Reads still waiting
     * when the node's role changes never complete; the runtime fails them on {@link RoleChanged}.
     */
    record ReadReady(long readId, long readZxid) implements Effect {}

    /**
     * For operators' logs, metrics, clients and tests: who this node follows, whether the
     * leader is established, and why the role changed, in words (one log line per change).
     */
    record RoleChanged(Role role, int leaderId, long epoch, boolean established, String reason) implements Effect {
        @Override
        public String toString() {
            return role + (role == Role.LOOKING ? "" : " leader=" + leaderId) + " epoch=" + epoch
                    + (established ? " established" : "") + ": " + reason;
        }
    }
}
