package io.signalbox.proxysync.haproxy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy's master socket in master-worker mode: reloads, confirmed through {@code show proc}
 * (on 2.6 the {@code reload} command itself answers nothing). A reload counts as done when
 * the master's reload counter moved; it failed when the failed-reload counter moved too, in
 * which case the old workers keep serving the old configuration.
 */
public final class HaproxyMaster {
    /** What {@code show proc} says: the master's reload counters and the current workers. */
    public record Processes(int reloads, int failedReloads, List<Long> workerPids) {}

    /** How a reload ended. */
    public record Reload(boolean succeeded, Processes before, Processes after, long millis) {}

    private final Path socket;

    public HaproxyMaster(Path socket) {
        this.socket = socket;
    }

    public Processes showProc() {
        String reply = send("show proc");
        int reloads = -1;
        int failed = -1;
        List<Long> workers = new ArrayList<>();
        for (String line : reply.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[1].equals("master")) {
                reloads = Integer.parseInt(f[2]);
                int open = line.indexOf("[failed: ");
                failed = open < 0 ? 0 : Integer.parseInt(line.substring(open + 9, line.indexOf(']', open)).trim());
            } else if (f.length >= 2 && f[1].equals("worker")) {
                workers.add(Long.parseLong(f[0]));
            }
        }
        if (reloads < 0) {
            throw new IllegalStateException("unexpected reply to show proc on " + socket + ": " + reply.strip());
        }
        return new Processes(reloads, failed, workers);
    }

    /** Waits until the master answers on its socket (it starts listening a moment after its first worker). */
    public Processes awaitReady(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            try {
                return showProc();
            } catch (IllegalStateException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    /** Asks for a reload and waits (at most {@code timeoutMs}) until the master reports its outcome. */
    public Reload reload(long timeoutMs) throws InterruptedException {
        Processes before = showProc();
        long started = System.nanoTime();
        send("reload");
        long deadline = started + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            Thread.sleep(10);
            Processes now;
            try {
                now = showProc();
            } catch (IllegalStateException e) {
                continue; // the master is re-executing itself
            }
            if (now.reloads() > before.reloads()) {
                boolean failed = now.failedReloads() > before.failedReloads();
                return new Reload(!failed, before, now, (System.nanoTime() - started) / 1_000_000);
            }
        }
        throw new IllegalStateException("HAProxy's master did not report the reload within " + timeoutMs + " ms");
    }

    private String send(String command) {
        try {
            return CommandSocket.send(socket, command);
        } catch (IOException e) {
            throw new IllegalStateException("cannot talk to HAProxy's master socket " + socket + ": " + e.getMessage(), e);
        }
    }
}
