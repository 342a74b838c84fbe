package io.signalbox.consensus;

/**
 * Always-on checks (never Java {@code assert}, which is off in production).
 * {@link #require} guards arguments from callers; {@link #invariant} guards the
 * core's own state and means a bug in Signalbox when it fails.
 */
public final class Checks {
    private Checks() {}

    public static void require(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(String.format(format, args));
        }
    }

    /**
     * The error for a broken invariant; hot paths write {@code if (!ok) throw violation(...)}
     * so the message arguments cost nothing while the check passes.
     */
    public static InvariantViolation violation(String format, Object... args) {
        return new InvariantViolation(String.format(format, args));
    }

    /** The error for a caller's bad argument, naming the value and what is allowed. */
    public static IllegalArgumentException badArgument(String format, Object... args) {
        return new IllegalArgumentException(String.format(format, args));
    }

    public static void invariant(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new InvariantViolation(String.format(format, args));
        }
    }
}
