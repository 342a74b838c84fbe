package io.signalbox.state;

/**
 * Every bound of the configuration in one place (units last in names). A command that
 * would cross one is rejected with the limit named.
 */
public record Limits(
        int servicesMax,
        int serversPerServiceMax,
        int sessionsMax,
        int labelsPerServerMax,
        int commandsPerMultiMax,
        int commandBytesMax,
        int healthPathLengthMax,
        int timeoutMsMax,
        int sessionTimeoutMsMin,
        int sessionTimeoutMsMax) {

    public static final Limits DEFAULTS = new Limits(10_000, 1_000, 100_000, 16, 100, 256 << 10, 128,
            3_600_000, 1_000, 600_000);
}
