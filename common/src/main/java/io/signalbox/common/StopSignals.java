package io.signalbox.common;

import java.util.concurrent.CountDownLatch;

/** SIGTERM and Ctrl-C as a latch, so a long-running main can stop what it runs and exit 0. */
public final class StopSignals {
    private StopSignals() {}

    /** Counts down on SIGTERM or SIGINT; the JVM's own shutdown (logs, profiles) still runs after main returns. */
    public static CountDownLatch install() {
        CountDownLatch stopRequested = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stopRequested.countDown());
        }
        return stopRequested;
    }
}
