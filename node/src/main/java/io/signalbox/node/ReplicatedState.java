package io.signalbox.node;

import io.signalbox.consensus.ConfigurationEntry;
import io.signalbox.consensus.Membership;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.Limits;
import io.signalbox.state.StateEvent;
import io.signalbox.state.codec.EntryCodec;
import io.signalbox.state.codec.MembershipCodec;

/**
 * What every replica applies in zxid order: the load-balancer configuration and the table of
 * commands each client had applied, restored from and written to one snapshot. Deterministic:
 * the same entries give every replica the same state, digest and client table.
 */
final class ReplicatedState {
    /** One applied entry, with the client command that produced it (empty id: the leader's own, such as a session's expiry). */
    record Delivered(long zxid, java.util.List<StateEvent> events, String clientId, long clientSequence, long openedSessionId,
                     String identity) {}

    private final int historyEntriesMax;
    private LbStateMachine machine;
    private ClientTable clients;
    /** The configuration the last restored snapshot recorded; null for genesis or an older snapshot. */
    private MembershipCodec.ConfigurationRecord restoredConfiguration;

    ReplicatedState(int historyEntriesMax, Snapshot snapshot) {
        this.historyEntriesMax = historyEntriesMax;
        restore(snapshot);
    }

    LbStateMachine machine() {
        return machine;
    }

    ClientTable clients() {
        return clients;
    }

    /** The state after the snapshot, and nothing else: an empty snapshot (genesis) is the empty configuration. */
    void restore(Snapshot snapshot) {
        if (snapshot.state().length == 0) {
            machine = new LbStateMachine(Limits.DEFAULTS, historyEntriesMax);
            clients = new ClientTable();
            restoredConfiguration = null;
            return;
        }
        EntryCodec.NodeSnapshotParts parts = EntryCodec.decodeNodeSnapshot(snapshot.zxid(), snapshot.state());
        machine = LbStateMachine.restore(parts.state(), Limits.DEFAULTS, historyEntriesMax);
        clients = ClientTable.fromWindows(parts.clients());
        restoredConfiguration = parts.configuration();
    }

    MembershipCodec.ConfigurationRecord restoredConfiguration() {
        return restoredConfiguration;
    }

    /**
     * A snapshot as storage gives it back (its bytes only), with the configuration its bytes
     * record put back into {@link Snapshot#membership()}: the core must not fall back to the
     * bootstrap members when the log no longer holds the entry that changed them.
     */
    static Snapshot recovered(long zxid, byte[] bytes) {
        if (bytes.length == 0) {
            return new Snapshot(zxid, bytes);
        }
        MembershipCodec.ConfigurationRecord recorded = EntryCodec.decodeNodeSnapshot(zxid, bytes).configuration();
        return recorded == null ? new Snapshot(zxid, bytes)
                : new Snapshot(zxid, bytes, new Membership(recorded.zxid(), recorded.voters(), recorded.observers()));
    }

    Delivered apply(Txn txn) {
        if (ConfigurationEntry.isConfiguration(txn.payload())) {
            // The core's membership change: no state event (the node's member directory reads it when appended).
            machine.apply(txn.zxid(), java.util.List.of());
            return new Delivered(txn.zxid(), java.util.List.of(), "", 0, 0, "");
        }
        EntryCodec.StampedEvents entry = EntryCodec.decodeEntry(txn.zxid(), txn.payload());
        machine.apply(txn.zxid(), entry.events(), entry.identity());
        long sessionId = 0;
        for (StateEvent event : entry.events()) {
            if (event instanceof StateEvent.SessionOpened opened) {
                sessionId = opened.id();
            }
        }
        clients.record(entry.clientId(), entry.clientSequence(), txn.zxid(), sessionId);
        return new Delivered(txn.zxid(), entry.events(), entry.clientId(), entry.clientSequence(), sessionId, entry.identity());
    }

    /**
     * The whole replicated state at the applied zxid, as a snapshot every replica can restore,
     * recording {@code inForce} (the configuration at that zxid) with its members' {@code addresses}.
     */
    Snapshot snapshot(Membership inForce, java.util.List<MembershipCodec.MemberRecord> addresses) {
        MembershipCodec.ConfigurationRecord record = new MembershipCodec.ConfigurationRecord(inForce.zxid(), inForce.voters(),
                inForce.observers(), addresses);
        return new Snapshot(machine.appliedZxid(), EntryCodec.encodeNodeSnapshot(machine.snapshot(), clients.toWindows(), record), inForce);
    }
}
