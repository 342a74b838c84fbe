package io.signalbox.consensus;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.message.ZabMessage;
import java.util.List;

/**
 * What the core asks its runtime to do, in the order returned.
 *
 * <p>The {@link DurableWrite}s are asynchronous. Each carries the next {@code writeId} (1, 2, 3 ...
 * in one core's life). The runtime makes them durable in issue order, as one writer does, and
 * reports completions through {@link ZabCore#written(long)}, cumulatively: {@code written(n)}
 * says every write up to {@code n} is durable. It may report late, batch many writes into one
 * report, report out of order (a stale report is ignored), or die before reporting. The core
 * never lets anything out that vouches for a write before it is reported: followers ack
 * appends only up to the log's reported end, and every {@link Send} issued after an epoch
 * write, a truncation or a snapshot install waits inside the core until that write is
 * reported. Every other effect may be carried out at once.
 */
public sealed interface Effect {

    /** A write to make durable, then report through {@link ZabCore#written(long)}. */
    sealed interface DurableWrite extends Effect {
        long writeId();
    }

    /** Write both epochs atomically and durably. */
    record PersistEpochs(long writeId, long acceptedEpoch, long currentEpoch) implements DurableWrite {}

    /** Remove every log entry after {@code afterZxid}, durably; entries kept are durable afterwards. */
    record TruncateLog(long writeId, long afterZxid) implements DurableWrite {
        @Override
        public String toString() {
            return "TruncateLog[" + writeId + ", after=" + Zxid.format(afterZxid) + "]";
        }
    }

    /**
     * Replace the log with this snapshot, durably: the snapshot first, then the log continues
     * after its zxid. The core has reset its own view already. {@code durable} is false only
     * under the snap-not-durable bug switch (the snapshot is not written, the log is reset).
     */
    record InstallSnapshot(long writeId, Snapshot snapshot, boolean durable) implements DurableWrite {}

    /**
     * Append these txns after the log's last entry. Followers ack, and a new leader adopts its
     * epoch, only once {@link ZabCore#written(long)} covers this write.
     */
    record AppendTxns(long writeId, List<Txn> txns) implements DurableWrite {
        public AppendTxns {
            txns = List.copyOf(txns);
        }

        @Override
        public String toString() {
            return "AppendTxns[" + writeId + ", " + Zxid.format(txns.get(0).zxid()) + ".."
                    + Zxid.format(txns.get(txns.size() - 1).zxid()) + "]";
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
