package io.signalbox.chaos;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.SignalboxClient;
import io.signalbox.client.Subscription;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.simulation.history.Op;
import io.signalbox.state.Configuration;
import io.signalbox.testkit.ProcessCluster;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One Jepsen-style run on real processes in network namespaces (needs root, ip, iptables):
 * clients record every operation while the nemesis breaks the network and the processes;
 * after healing, the checkers judge the history. The processes, namespaces and client
 * threads it starts are stopped before {@link #run} returns.
 */
public final class ChaosRun {
    private final ChaosOptions options;

    public ChaosRun(ChaosOptions options) {
        this.options = options;
    }

    /**
     * {@link #run}, then the report saved as {@code report.txt} in {@code directory} and the verdict
     * printed ("chaos: PASS" or "chaos: FAIL", with the directory); true when every check passed.
     */
    public boolean runAndSave(PrintWriter printer, Path directory) throws Exception {
        List<String> report = run(printer, directory);
        Files.write(directory.resolve("report.txt"), report);
        boolean passed = ChaosCheck.passed(report);
        printer.println((passed ? "chaos: PASS" : "chaos: FAIL") + " (history, report and node logs in " + directory + ")");
        printer.flush();
        return passed;
    }

    /** Runs the processes, clients and nemesis for the options' time, then the checks; returns the report, one line each. */
    public List<String> run(PrintWriter printer, Path directory) throws Exception {
        long seconds = options.seconds();
        int nodes = options.nodes();
        long seed = options.seed();
        List<String> report = new ArrayList<>();
        List<String> jvmFlags = new ArrayList<>();
        if (options.unsafeReads()) {
            jvmFlags.add("-Dsignalbox.testOnly.linearizableReadsWithoutQuorum=true");
        }
        if (options.unsafeAckBeforeFsync()) {
            jvmFlags.add("-Dsignalbox.testOnly.ackBeforeFsync=true");
        }
        try (ChaosNetwork network = ChaosNetwork.start(nodes, directory, jvmFlags, ChaosNemesis.needsFaultFs(options.nemesis()),
                options.tls());
             ChaosHistory history = new ChaosHistory(directory.resolve("history.jsonl"))) {
            if (options.nemesis().contains("netem") && !network.netemAvailable()) {
                throw new IllegalArgumentException("--nemesis netem: this kernel has no tc netem (sch_netem: "
                        + "\"Specified qdisc kind is unknown\"); leave netem out or run on a kernel with it");
            }
            ChaosWorkload workload = new ChaosWorkload(options.keys(), history);
            ChaosNemesis nemesisRunner = new ChaosNemesis(network, history, options.nemesis(), seed, nodes,
                    new StaleReadProbe(network, workload, history, seed));
            ProcessCluster.await("a leader", Duration.ofSeconds(60), () -> nemesisRunner.leader() != 0);
            ClientOptions clientOptions = network.clientOptions().withRequestTimeoutMs(1_000).withRetryDeadlineMs(3_000);
            ChaosSessions sessions = new ChaosSessions();
            List<StreamEntry> stream = new ArrayList<>();
            long[] streamSnapshot = {0};
            try (SignalboxClient client = new SignalboxClient(network.clientOptions().withRetryDeadlineMs(30_000))) {
                workload.setUp(client);
                sessions.setUp(client);
                try (Subscription subscription = client.subscribe(0, List.of(), new Subscription.Listener() {
                    @Override
                    public void onSnapshot(long zxid, Configuration configuration) {
                        synchronized (stream) {
                            stream.clear();
                            streamSnapshot[0] = zxid;
                        }
                    }

                    @Override
                    public void onEntry(StreamEntry entry) {
                        synchronized (stream) {
                            if (stream.size() < ChaosHistory.OPS_MAX) {
                                stream.add(entry);
                            }
                        }
                    }
                })) {
                    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
                    List<Thread> threads = new ArrayList<>();
                    for (int c = 1; c <= options.clients(); c++) {
                        int process = c;
                        Thread thread = new Thread(() -> {
                            try {
                                workload.runClient(process, clientOptions, deadline, seed * 1_000 + process, 20);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }, "chaos-client-" + c);
                        thread.start();
                        threads.add(thread);
                    }
                    Thread sessionThread = new Thread(() -> {
                        try {
                            sessions.run(clientOptions, deadline, seed);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, "chaos-sessions");
                    sessionThread.start();
                    threads.add(sessionThread);
                    nemesisRunner.run(deadline);
                    for (Thread thread : threads) {
                        thread.join(60_000);
                    }
                    long committed = awaitConverged(network, nemesisRunner);
                    workload.readAll(client, 0);
                    ProcessCluster.await("the subscriber reaches the end of the log", Duration.ofSeconds(60), () -> {
                        synchronized (stream) {
                            return !stream.isEmpty() && stream.get(stream.size() - 1).zxid() >= committed;
                        }
                    });
                    // The stream is copied before the log is read: what the subscriber had received was committed
                    // by then, so it must all be in the log read after it (read before, the log missed entries
                    // committed meanwhile, such as the expiry of a session abandoned at the end).
                    List<StreamEntry> streamSeen;
                    long snapshotSeen;
                    synchronized (stream) {
                        streamSeen = List.copyOf(stream);
                        snapshotSeen = streamSnapshot[0];
                    }
                    List<StreamEntry> log = fullLog(network);
                    List<ChaosHistory.Entry> ops = history.entries();
                    report.add(summary(ops, nemesisRunner.counts(), seconds));
                    ChaosChecks.Verdict sessionsVerdict = sessions.check(client);
                    ChaosSaved.saveFinal(directory, log, streamSeen, snapshotSeen, digests(network), sessionsVerdict, options.tls());
                    history.flush();
                    List<ChaosChecks.Verdict> verdicts = ChaosChecks.all(ChaosSaved.load(directory));
                    verdicts.forEach(v -> report.add(v.line()));
                }
            }
        }
        report.forEach(printer::println);
        printer.flush();
        return report;
    }

    private String summary(List<ChaosHistory.Entry> ops, Map<String, Integer> faults, long seconds) {
        Map<String, int[]> byKind = new TreeMap<>();
        for (ChaosHistory.Entry e : ops) {
            String kind = e.op().kind() == Op.Kind.READ ? "read " + e.consistency() : e.op().kind().name().toLowerCase(java.util.Locale.ROOT);
            byKind.computeIfAbsent(kind, k -> new int[3])[e.op().outcome().ordinal()]++;
        }
        StringBuilder line = new StringBuilder("chaos: seed " + options.seed() + ", " + options.nodes() + " nodes, " + seconds + " s, "
                + options.clients() + " clients, " + options.keys() + " keys, " + (options.tls() ? "TLS, " : "") + "nemesis " + faults
                + (options.unsafeReads() ? ", UNSAFE linearizable reads" : "")
                + (options.unsafeAckBeforeFsync() ? ", UNSAFE ack before fsync" : "") + "; "
                + ops.size() + " operations:");
        byKind.forEach((kind, n) -> line.append(' ').append(kind).append(" ok/fail/info ").append(n[0]).append('/').append(n[1])
                .append('/').append(n[2]).append(';'));
        return line.toString();
    }

    /** Waits until every node runs, one leads, and all have applied the same zxid; returns it. */
    private long awaitConverged(ChaosNetwork network, ChaosNemesis nemesis) throws InterruptedException {
        long[] zxid = {0};
        ProcessCluster.await("the healed cluster converges", Duration.ofSeconds(90), () -> {
            if (nemesis.leader() == 0) {
                return false;
            }
            long first = -1;
            for (int i = 1; i <= options.nodes(); i++) {
                Member self = nemesis.self(i);
                if (self == null || (first >= 0 && self.appliedZxid() != first) || self.appliedZxid() != self.committedZxid()) {
                    return false;
                }
                first = self.appliedZxid();
            }
            zxid[0] = first;
            return true;
        });
        return zxid[0];
    }

    /** The whole log from a node that still holds it from the start (a wiped node's history begins at its snapshot). */
    private List<StreamEntry> fullLog(ChaosNetwork network) {
        for (int node = 1; node <= options.nodes(); node++) {
            List<StreamEntry> log = new ArrayList<>();
            try (SignalboxClient client = single(network, node)) {
                long from = 0;
                while (true) {
                    List<StreamEntry> page = client.history(from, 10_000).entries();
                    if (page.isEmpty()) {
                        return log;
                    }
                    log.addAll(page);
                    from = page.get(page.size() - 1).zxid();
                }
            } catch (SignalboxException e) {
                // HISTORY_GONE on a node that was wiped: ask the next one
            }
        }
        throw new IllegalStateException("no node holds the log from its start");
    }

    private Map<Integer, Long> digests(ChaosNetwork network) {
        Map<Integer, Long> digests = new TreeMap<>();
        for (int node = 1; node <= options.nodes(); node++) {
            try (SignalboxClient client = single(network, node)) {
                digests.put(node, client.read(Consistency.LOCAL, "").configuration().digest());
            }
        }
        return digests;
    }

    private static SignalboxClient single(ChaosNetwork network, int node) {
        return network.clientOf(node, 5_000, 10_000);
    }

    /** "45s", "45" or "2m" as seconds. */
    public static long parseSeconds(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("m")) {
                return Long.parseLong(t.substring(0, t.length() - 1)) * 60;
            }
            return Long.parseLong(t.endsWith("s") ? t.substring(0, t.length() - 1) : t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--time \"" + text + "\" must be seconds like 45s or minutes like 2m");
        }
    }
}
