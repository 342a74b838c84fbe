package io.signalbox.bench;

import java.util.concurrent.TimeUnit;

/** Stopping child processes the same way everywhere: SIGTERM to all, then SIGKILL to any still alive after a grace period. */
public final class Processes {
    private Processes() {}

    public static void stopAll(Iterable<Process> processes, int graceSeconds) {
        for (Process p : processes) {
            if (p != null) {
                p.destroy();
            }
        }
        for (Process p : processes) {
            if (p == null) {
                continue;
            }
            try {
                if (!p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
