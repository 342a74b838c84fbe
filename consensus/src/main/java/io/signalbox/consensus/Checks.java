package io.signalbox.consensus;

/**
 * Always-on checks (never Java {@code assert}, which is off in production), written as
 * {@code if (!(condition)) throw Checks.violation(...)} so their messages cost nothing
 * while they pass. {@link #badArgument} is a caller's mistake; {@link #violation} is a
 * broken invariant of the core's own state, a bug in Signalbox.
 */
public final class Checks {
    private Checks() {}

    /** The error for a broken invariant of the core. */
    public static InvariantViolation violation(String format, Object... args) {
        return new InvariantViolation(String.format(format, args));
    }

    /** The error for a caller's bad argument, naming the value and what is allowed. */
    public static IllegalArgumentException badArgument(String format, Object... args) {
        return new IllegalArgumentException(String.format(format, args));
    }
}
