package io.signalbox.node;

import io.signalbox.consensus.Effect;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import io.signalbox.protocol.Response;
import java.util.Objects;

/**
 * What the node asks its host to do, strictly in the order {@link Node#takeEffects()} returns
 * them. {@link Durable} writes other than appends must be durable before the host moves on
 * (a later {@link Send} may vouch for them); appends complete later and come back as
 * {@link Node#persisted(long)}. Replies and stream frames may go out as soon as they are
 * carried out: whatever they state is already committed, or confirmed by a quorum round.
 */
public sealed interface NodeEffect {
    /** A durable write the consensus core asked for: {@link Effect.PersistEpochs}, {@link Effect.TruncateLog},
     * {@link Effect.InstallSnapshot} or {@link Effect.AppendTxns}. */
    record Durable(Effect write) implements NodeEffect {
        public Durable {
            if (!(write instanceof Effect.PersistEpochs || write instanceof Effect.TruncateLog
                    || write instanceof Effect.InstallSnapshot || write instanceof Effect.AppendTxns)) {
                throw new IllegalArgumentException("not a durable write: " + write);
            }
        }
    }

    /** Write this snapshot of the node durably, then drop the log entries it covers. */
    record TakeSnapshot(Snapshot snapshot) implements NodeEffect {}

    record Send(int to, PeerMessage message) implements NodeEffect {}

    /** The answer to a request that came in on {@code connectionId}. */
    record Reply(long connectionId, Response response) implements NodeEffect {
        public Reply {
            Objects.requireNonNull(response, "response");
        }
    }

    /**
     * One frame of a subscription on {@code connectionId}. A host whose buffer for that
     * connection is full drops it and calls {@link Node#streamOverflowed}, which ends the stream
     * with the zxid to resume from.
     */
    record StreamFrame(long connectionId, Response response) implements NodeEffect {}

    /** This leader proposed {@code txn}, having delivered up to {@code deliveredZxid}: for checkers and metrics. */
    record Proposed(Txn txn, long deliveredZxid) implements NodeEffect {}

    /** {@code txn} was applied; the configuration's digest is {@code digestAfter}: for checkers, metrics and logs. */
    record Applied(Txn txn, long digestAfter) implements NodeEffect {}

    /** The replicated state was replaced by a snapshot at {@code snapshotZxid} (a restart or a SNAP from the leader). */
    record Restored(long snapshotZxid, long digest) implements NodeEffect {}

    /** The node's role changed: for metrics, logs and the host's own routing. */
    record RoleChanged(Effect.RoleChanged change) implements NodeEffect {}
}
