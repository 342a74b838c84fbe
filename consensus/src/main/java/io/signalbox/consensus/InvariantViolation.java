package io.signalbox.consensus;

/** A protocol invariant does not hold: the node must stop, since its state can no longer be trusted. */
public final class InvariantViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvariantViolation(String message) {
        super(message);
    }
}
