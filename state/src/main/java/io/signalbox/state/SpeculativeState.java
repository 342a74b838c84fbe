package io.signalbox.state;

import java.util.List;

/**
 * A leader's view of the configuration including its proposals not yet committed, so that
 * pipelined commands are validated against what will be true when they apply (a second
 * "add server" for the same name is refused even before the first commits). It is an
 * overlay on the applied state: cheap to create, and dropped whenever the proposals it
 * holds are all applied or can no longer commit (a change of leader). Not thread-safe.
 */
public final class SpeculativeState {
    private final LbStateMachine machine;
    private Overlay overlay;
    private int pending;

    public SpeculativeState(LbStateMachine machine) {
        this.machine = machine;
        this.overlay = new Overlay(machine.view());
    }

    /** Validates against applied state plus pending proposals; changes nothing. */
    public LbStateMachine.Prepared prepare(Command command) {
        return machine.prepareProposal(command, overlay);
    }

    /** The proposal at {@code zxid} was accepted by the core: later commands see its events. */
    public void proposed(long zxid, List<StateEvent> events) {
        for (StateEvent event : events) {
            EventApplier.apply(overlay, zxid, event);
        }
        pending++;
    }

    /** Every proposal this view holds has been applied to the machine: start afresh on it. */
    public void caughtUp() {
        if (pending > 0) {
            overlay = new Overlay(machine.view());
            pending = 0;
        }
    }

    /** Proposals may have been lost (leadership changed) or the machine was replaced: rebuild on it. */
    public static SpeculativeState on(LbStateMachine machine) {
        return new SpeculativeState(machine);
    }

    /** True when the session is open in this view (applied or pending). */
    public boolean hasSession(long sessionId) {
        return overlay.session(sessionId) != null;
    }

    public int pending() {
        return pending;
    }
}
