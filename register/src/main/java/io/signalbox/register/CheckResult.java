package io.signalbox.register;

/** One check's outcome, with what it saw in a few words ("HTTP 503", "connection refused", "exit 1"). */
public record CheckResult(boolean passed, String detail, long durationMs) {
    @Override
    public String toString() {
        return (passed ? "passed" : "failed") + " (" + detail + " in " + durationMs + " ms)";
    }
}
