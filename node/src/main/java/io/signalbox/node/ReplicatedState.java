package io.signalbox.node;

import io.signalbox.consensus.ConfigurationEntry;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.Limits;
import io.signalbox.state.StateEvent;
import io.signalbox.state.codec.EntryCodec;

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
            return;
        }
        EntryCodec.NodeSnapshotParts parts = EntryCodec.decodeNodeSnapshot(snapshot.zxid(), snapshot.state());
        machine = LbStateMachine.restore(parts.state(), Limits.DEFAULTS, historyEntriesMax);
        clients = ClientTable.fromRecords(parts.clients());
    }

    Delivered apply(Txn txn) {
        if (ConfigurationEntry.isConfiguration(txn.payload())) {
            // The core's membership change: no state event yet (the member table is issue 18's node step).
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

    /** The whole replicated state at the applied zxid, as a snapshot every replica can restore. */
    Snapshot snapshot() {
        return new Snapshot(machine.appliedZxid(), EntryCodec.encodeNodeSnapshot(machine.snapshot(), clients.toRecords()));
    }
}
