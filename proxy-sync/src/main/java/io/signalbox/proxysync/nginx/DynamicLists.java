package io.signalbox.proxysync.nginx;

import io.signalbox.common.Zxid;
import io.signalbox.state.Configuration;
import io.signalbox.state.Mode;
import io.signalbox.state.Server;
import io.signalbox.state.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dynamic mode's half of a pass: pushes the server lists of HTTP services that changed since
 * the last push (all of them after a reload, a restart, or when Nginx runs a version the agent did
 * not push), with the pass's zxid, to the loopback push location, which answers once every worker
 * runs that zxid (else the version location is polled a while longer). Only then does the pass
 * count as applied. After each applied push the complete set is saved for a Nginx that starts
 * afresh ({@code boot} in {@code signalbox_balancer.lua}).
 */
final class DynamicLists {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicLists.class);
    private static final int REQUEST_TIMEOUT_MS = 2_000;

    private final String versionAddress;
    private final int versionPort;
    private final int pushPort;
    private final String token;
    private final long workersTimeoutMs;
    private final Path savedLists;
    /** What Nginx holds as far as the agent knows: service -> list text; empty after {@link #forget}. */
    private Map<String, String> pushed = new HashMap<>();
    private long committedZxid = -1;

    /**
     * What one apply did.
     *
     * @param failure null when every worker runs the zxid, else why not in Nginx's words
     * @param agentBehind Nginx already runs a newer zxid than the agent's view (an agent restarted
     *     from a view saved before its last push): the stream catches up, so no fallback reload
     */
    record Outcome(String failure, boolean agentBehind, int pushes) {
        static Outcome applied(int pushes) {
            return new Outcome(null, false, pushes);
        }

        static Outcome failed(String failure) {
            return new Outcome(failure, false, 1);
        }

        boolean ok() {
            return failure == null;
        }
    }

    /** @param savedLists where the last complete push is kept for a Nginx that starts afresh ({@code boot} in the Lua file) */
    DynamicLists(String versionAddress, int versionPort, int pushPort, String token, long workersTimeoutMs, Path savedLists) {
        this.savedLists = savedLists;
        this.versionAddress = versionAddress;
        this.versionPort = versionPort;
        this.pushPort = pushPort;
        this.token = token;
        this.workersTimeoutMs = workersTimeoutMs;
    }

    /** The next apply pushes every list: after a reload or restart, or a failure. */
    void forget() {
        pushed = new HashMap<>();
        committedZxid = -1;
    }

    /**
     * Makes every worker run {@code wanted}'s lists. With {@code checkNginx}, first asks Nginx which
     * zxid its workers run: anything but the last one pushed (a restarted Nginx has none) pushes all.
     */
    Outcome apply(Configuration wanted, boolean checkNginx) {
        if (checkNginx && committedZxid >= 0) {
            long running = lowestWorkerZxid();
            if (running != committedZxid) {
                LOG.warn("drift in Nginx: its workers run zxid {} but the agent pushed {}; pushing every list again",
                        running < 0 ? "none" : Zxid.format(running), Zxid.format(committedZxid));
                forget();
            }
        }
        Map<String, String> lists = new TreeMap<>();
        for (Service service : wanted.services()) {
            if (service.mode() == Mode.HTTP) {
                lists.put(service.name(), ServerLists.list(service, wanted.servers().getOrDefault(service.name(), List.<Server>of())));
            }
        }
        Map<String, String> changed = new TreeMap<>();
        lists.forEach((service, list) -> {
            if (!list.equals(pushed.get(service))) {
                changed.put(service, list);
            }
        });
        if (changed.isEmpty() && lists.keySet().equals(pushed.keySet()) && wanted.zxid() <= committedZxid) {
            return Outcome.applied(0);
        }
        String body = ServerLists.push(wanted.zxid(), new ArrayList<>(lists.keySet()), changed);
        long started = System.nanoTime();
        LoopbackHttp.Reply reply = LoopbackHttp.post("127.0.0.1", pushPort, NginxConfigRenderer.PUSH_PATH, token, body, REQUEST_TIMEOUT_MS);
        if (!reply.ok()) {
            forget();
            String failure = "Nginx refused the lists for zxid " + Zxid.format(wanted.zxid()) + ": " + reply.describe();
            return new Outcome(failure, reply.status() == 409 && reply.body().contains("is older than the committed"), 1);
        }
        // The push location answers once every worker runs the zxid; else the version location is polled a while longer.
        String behind = reply.body().contains("every worker runs it") ? null : awaitWorkers(wanted.zxid());
        if (behind != null) {
            forget();
            return Outcome.failed(behind);
        }
        pushed = new HashMap<>(lists);
        committedZxid = wanted.zxid();
        save(ServerLists.push(wanted.zxid(), new ArrayList<>(lists.keySet()), lists));
        LOG.debug("Nginx runs zxid {} in every worker: {} lists pushed in {} us", Zxid.format(wanted.zxid()), changed.size(),
                (System.nanoTime() - started) / 1_000);
        return Outcome.applied(1);
    }

    /**
     * Replaces the saved push (write and rename, no fsync: it is a cache; a stale one is replaced
     * by the agent's first push). A failure is logged, not fatal: Nginx runs the lists anyway.
     */
    private void save(String completePush) {
        Path temporary = savedLists.resolveSibling(savedLists.getFileName() + ".tmp");
        try {
            Files.writeString(temporary, completePush);
            Files.move(temporary, savedLists, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warn("cannot save the lists for a Nginx restart in {}: {}", savedLists, e.getMessage());
        }
    }

    /** Null once every worker runs {@code zxid} or later; else which worker stays behind. */
    private String awaitWorkers(long zxid) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(workersTimeoutMs);
        String last;
        do {
            LoopbackHttp.Reply reply = LoopbackHttp.get(versionAddress, versionPort, NginxConfigRenderer.VERSION_PATH, REQUEST_TIMEOUT_MS);
            last = reply.describe();
            if (reply.ok() && zxidOf(firstLine(reply.body())) >= zxid) {
                return null;
            }
            LockSupport.parkNanos(200_000);
        } while (System.nanoTime() < deadline);
        return "not every Nginx worker runs zxid " + Zxid.format(zxid) + " within " + workersTimeoutMs + " ms; the version location says: "
                + last.replace('\n', ' ');
    }

    /** The zxid every worker runs, or -1 when a worker runs none or nothing answers. */
    long lowestWorkerZxid() {
        LoopbackHttp.Reply reply = LoopbackHttp.get(versionAddress, versionPort, NginxConfigRenderer.VERSION_PATH, REQUEST_TIMEOUT_MS);
        return reply.ok() ? zxidOf(firstLine(reply.body())) : -1;
    }

    static String firstLine(String text) {
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).strip();
    }

    /** "epoch:counter" as a zxid, or -1. */
    static long zxidOf(String version) {
        String[] parts = version.split(":");
        if (parts.length != 2) {
            return -1;
        }
        try {
            return Zxid.of(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
