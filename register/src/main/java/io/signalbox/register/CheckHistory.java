package io.signalbox.register;

/**
 * Rise and fall, as HAProxy counts them: a backend starts unhealthy and becomes healthy after
 * {@code rise} passes in a row; healthy, it becomes unhealthy after {@code fall} failures in a
 * row. A single result of the other kind resets the run. Pure: fed one result at a time, no
 * clock, no I/O (the tests drive it result by result).
 */
final class CheckHistory {
    /** What a result changed. */
    enum Change { NONE, BECAME_HEALTHY, BECAME_UNHEALTHY }

    private final int rise;
    private final int fall;
    private boolean healthy;
    private int passesInRow;
    private int failuresInRow;
    private long passes;
    private long failures;

    CheckHistory(int rise, int fall) {
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise " + rise + " and fall " + fall + " must both be at least 1");
        }
        this.rise = rise;
        this.fall = fall;
    }

    Change record(boolean passed) {
        if (passed) {
            passes++;
            passesInRow++;
            failuresInRow = 0;
            if (!healthy && passesInRow >= rise) {
                healthy = true;
                return Change.BECAME_HEALTHY;
            }
        } else {
            failures++;
            failuresInRow++;
            passesInRow = 0;
            if (healthy && failuresInRow >= fall) {
                healthy = false;
                return Change.BECAME_UNHEALTHY;
            }
        }
        return Change.NONE;
    }

    boolean healthy() {
        return healthy;
    }

    int passesInRow() {
        return passesInRow;
    }

    int failuresInRow() {
        return failuresInRow;
    }

    long passes() {
        return passes;
    }

    long failures() {
        return failures;
    }
}
