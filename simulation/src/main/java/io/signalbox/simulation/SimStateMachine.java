package io.signalbox.simulation;

import io.signalbox.consensus.Txn;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.Limits;

/**
 * The real load-balancer state machine as one simulated node holds it: committed txns are
 * applied as event batches, snapshots are its protobuf snapshots, and its digest is what
 * invariant 9 compares across replicas.
 */
final class SimStateMachine {
    /** Small, so history folding runs often under simulation too. */
    static final int HISTORY_ENTRIES_MAX = 64;

    private LbStateMachine machine = new LbStateMachine(Limits.DEFAULTS, HISTORY_ENTRIES_MAX);

    void apply(Txn txn) {
        machine.applyEntry(txn.zxid(), txn.payload());
    }

    long appliedZxid() {
        return machine.appliedZxid();
    }

    long digest() {
        return machine.digest();
    }

    LbStateMachine machine() {
        return machine;
    }

    byte[] serialize() {
        return machine.snapshot();
    }

    /** Zero bytes is the genesis state. */
    void restore(byte[] state) {
        machine = state.length == 0 ? new LbStateMachine(Limits.DEFAULTS, HISTORY_ENTRIES_MAX)
                : LbStateMachine.restore(state, Limits.DEFAULTS, HISTORY_ENTRIES_MAX);
    }
}
