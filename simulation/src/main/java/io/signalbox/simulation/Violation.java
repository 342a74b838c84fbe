package io.signalbox.simulation;

/** A checked property failed: {@code invariant} names it, the message says how. */
public final class Violation extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String invariant;

    public Violation(String invariant, String message) {
        super(message);
        this.invariant = invariant;
    }

    public String invariant() {
        return invariant;
    }
}
