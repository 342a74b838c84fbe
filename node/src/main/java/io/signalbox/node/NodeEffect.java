package io.signalbox.node;

import io.signalbox.consensus.Effect;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import io.signalbox.protocol.Response;
import java.util.Objects;

/**
 * What the node asks its host to do, in the order {@link Node#takeEffects()} returns them.
 * {@link Durable} writes and {@link TakeSnapshot}s go to storage, which makes them durable in
 * that order (one writer) and reports each completion back: {@link Node#written(long)} for
 * the core's writes (cumulative: every write up to that id), {@link Node#snapshotWritten(long)}
 * for snapshots. Storage may take as long as it likes; nothing the node sends or answers
 * vouches for a write before its report. Every other effect may be carried out at once:
 * whatever a reply or stream frame states is already committed, or confirmed by a quorum round.
 */
public sealed interface NodeEffect {
    /** A durable write the consensus core asked for; see {@link Effect} for the contract. */
    record Durable(Effect.DurableWrite write) implements NodeEffect {
        public Durable {
            Objects.requireNonNull(write, "write");
        }
    }

    /**
     * Write this snapshot of the node durably, then drop the log entries it covers; report it
     * with {@link Node#snapshotWritten(long)}. Written in order with the durable writes.
     */
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

    /**
     * The services whose configuration the next {@link Applied} (or {@link Restored}) changes;
     * {@code all} when it may change any (a session's end removes its servers wherever they are).
     * Always before that {@code Applied}: a host that answers LOCAL reads from a cache off the
     * node's thread drops these entries first (see {@link ServiceRead}).
     */
    record ServicesChanged(java.util.Set<String> services, boolean all) implements NodeEffect {
        public ServicesChanged {
            services = java.util.Set.copyOf(services);
        }
    }

    /**
     * The node answered a LOCAL read of one service from its state at {@code configuration.zxid()}:
     * a host may keep it and answer later LOCAL reads of that service itself, as long as no
     * {@link ServicesChanged} has named the service since and the read's zxid is the last applied.
     */
    record ServiceRead(String service, io.signalbox.state.Configuration configuration) implements NodeEffect {}

    /** The node's role changed: for metrics, logs and the host's own routing. */
    record RoleChanged(Effect.RoleChanged change) implements NodeEffect {}
}
