package io.signalbox.cli;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.HostPort;
import io.signalbox.client.SignalboxClient;
import io.signalbox.client.SignalboxException;
import io.signalbox.client.Subscription;
import io.signalbox.proto.client.Consistency;
import io.signalbox.proto.client.Entry;
import io.signalbox.proto.client.Member;
import io.signalbox.proto.client.ReadResult;
import io.signalbox.simulation.history.Op;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code signalbox chaos}: a Jepsen-style run on real processes in network namespaces (needs
 * root, ip, iptables, tc). Clients record every operation while the nemesis breaks the
 * network and the processes; after healing, the checkers judge the history.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Runs real server processes in Linux network namespaces under partitions, netem, kill -9, pauses and wipes "
                + "from one seed while clients record every operation; then checks linearizability, LOCAL reads, acknowledged "
                + "writes, the event stream and replica digests. Needs root, ip, iptables and tc. Exit 1 when a check fails.")
final class ChaosCommand implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "3", description = "3 or 5 (default: ${DEFAULT-VALUE})") int nodes;
    @Option(names = "--time", defaultValue = "60s", description = "how long clients and nemesis run, e.g. 45s or 2m (default: ${DEFAULT-VALUE})")
    String time;
    @Option(names = "--nemesis", defaultValue = "partition,kill,pause", split = ",",
            description = "any of partition, netem, kill, pause, wipe (default: ${DEFAULT-VALUE})") List<String> nemesis;
    @Option(names = "--seed", defaultValue = "1", description = "(default: ${DEFAULT-VALUE})") long seed;
    @Option(names = "--out", description = "directory for history.jsonl, report.txt and node logs (default: a new temporary one)") Path out;
    @Option(names = "--clients", defaultValue = "8", description = "(default: ${DEFAULT-VALUE})") int clients;
    @Option(names = "--keys", defaultValue = "8", description = "(default: ${DEFAULT-VALUE})") int keys;
    @Option(names = "--unsafe-linearizable-reads", description = "TEST ONLY: servers answer LINEARIZABLE reads without the quorum round "
            + "(ZOOKEEPER-1675); the checker must catch it") boolean unsafeReads;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter printer = spec.commandLine().getOut();
        long seconds;
        try {
            seconds = parseSeconds(time);
            new ChaosNemesis(null, null, nemesis, seed, nodes); // checks the nemesis names
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if ((nodes != 3 && nodes != 5) || seconds < 5 || seconds > 3_600 || clients < 1 || clients > 64 || keys < 1 || keys > 1_000) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--nodes 3 or 5, --time 5s..1h, --clients 1..64, --keys 1..1000 (got " + nodes + ", " + time + ", " + clients + ", " + keys + ")");
        }
        Path directory = out != null ? Files.createDirectories(out) : Files.createTempDirectory("signalbox-chaos-");
        List<String> report = run(printer, directory, seconds);
        Files.write(directory.resolve("report.txt"), report);
        boolean passed = report.stream().noneMatch(line -> line.startsWith("FAIL"));
        printer.println((passed ? "chaos: PASS" : "chaos: FAIL") + " (history, report and node logs in " + directory + ")");
        printer.flush();
        return passed ? 0 : 1;
    }

    private List<String> run(PrintWriter printer, Path directory, long seconds) throws Exception {
        List<String> report = new ArrayList<>();
        List<String> jvmFlags = unsafeReads ? List.of("-Dsignalbox.testOnly.linearizableReadsWithoutQuorum=true") : List.of();
        try (ChaosNetwork network = ChaosNetwork.start(nodes, directory, jvmFlags);
             ChaosHistory history = new ChaosHistory(directory.resolve("history.jsonl"))) {
            if (nemesis.contains("netem") && !network.netemAvailable()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--nemesis netem: this kernel has no tc netem (sch_netem: "
                        + "\"Specified qdisc kind is unknown\"); leave netem out or run on a kernel with it");
            }
            ChaosNemesis nemesisRunner = new ChaosNemesis(network, history, nemesis, seed, nodes);
            ProcessCluster.await("a leader", Duration.ofSeconds(60), () -> nemesisRunner.leader() != 0);
            ClientOptions options = ClientOptions.of(network.clientAddresses()).withRequestTimeoutMs(1_000).withRetryDeadlineMs(3_000);
            ChaosWorkload workload = new ChaosWorkload(keys, history);
            ChaosSessions sessions = new ChaosSessions();
            List<Entry> stream = new ArrayList<>();
            long[] streamSnapshot = {0};
            try (SignalboxClient client = new SignalboxClient(ClientOptions.of(network.clientAddresses()).withRetryDeadlineMs(30_000))) {
                workload.setUp(client);
                sessions.setUp(client);
                try (Subscription subscription = client.subscribe(0, List.of(), new Subscription.Listener() {
                    @Override
                    public void onSnapshot(long zxid, ReadResult configuration) {
                        synchronized (stream) {
                            stream.clear();
                            streamSnapshot[0] = zxid;
                        }
                    }

                    @Override
                    public void onEntry(Entry entry) {
                        synchronized (stream) {
                            if (stream.size() < ChaosHistory.OPS_MAX) {
                                stream.add(entry);
                            }
                        }
                    }
                })) {
                    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
                    List<Thread> threads = new ArrayList<>();
                    for (int c = 1; c <= clients; c++) {
                        int process = c;
                        Thread thread = new Thread(() -> {
                            try {
                                workload.runClient(process, options, deadline, seed * 1_000 + process, 20);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }, "chaos-client-" + c);
                        thread.start();
                        threads.add(thread);
                    }
                    Thread sessionThread = new Thread(() -> {
                        try {
                            sessions.run(options, deadline, seed);
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
                    List<Entry> log = fullLog(network);
                    ProcessCluster.await("the subscriber reaches the end of the log", Duration.ofSeconds(60), () -> {
                        synchronized (stream) {
                            return !stream.isEmpty() && stream.get(stream.size() - 1).getZxid() >= committed;
                        }
                    });
                    List<ChaosHistory.Entry> ops = history.entries();
                    report.add(summary(ops, nemesisRunner.counts(), seconds));
                    List<ChaosChecks.Verdict> verdicts = new ArrayList<>();
                    verdicts.add(ChaosChecks.linearizable(ops, workload.initialValues()));
                    verdicts.add(ChaosChecks.localReadsMonotonic(ops));
                    verdicts.add(ChaosChecks.noAcknowledgedWriteLost(ops, log));
                    synchronized (stream) {
                        verdicts.add(ChaosChecks.streamIsAPrefixOfTheLog(List.copyOf(stream), log, streamSnapshot[0]));
                    }
                    verdicts.add(sessions.check(client));
                    verdicts.add(ChaosChecks.digestsEqual(digests(network)));
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
        StringBuilder line = new StringBuilder("chaos: seed " + seed + ", " + nodes + " nodes, " + seconds + " s, " + clients
                + " clients, " + keys + " keys, nemesis " + faults + (unsafeReads ? ", UNSAFE linearizable reads" : "") + "; "
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
            for (int i = 1; i <= nodes; i++) {
                Member self = nemesis.self(i);
                if (self == null || (first >= 0 && self.getAppliedZxid() != first) || self.getAppliedZxid() != self.getCommittedZxid()) {
                    return false;
                }
                first = self.getAppliedZxid();
            }
            zxid[0] = first;
            return true;
        });
        return zxid[0];
    }

    /** The whole log from a node that still holds it from the start (a wiped node's history begins at its snapshot). */
    private List<Entry> fullLog(ChaosNetwork network) {
        for (int node = 1; node <= nodes; node++) {
            List<Entry> log = new ArrayList<>();
            try (SignalboxClient client = single(network, node)) {
                long from = 0;
                while (true) {
                    List<Entry> page = client.history(from, 10_000).getHistory().getEntriesList();
                    if (page.isEmpty()) {
                        return log;
                    }
                    log.addAll(page);
                    from = page.get(page.size() - 1).getZxid();
                }
            } catch (SignalboxException e) {
                // HISTORY_GONE on a node that was wiped: ask the next one
            }
        }
        throw new IllegalStateException("no node holds the log from its start");
    }

    private Map<Integer, Long> digests(ChaosNetwork network) {
        Map<Integer, Long> digests = new TreeMap<>();
        for (int node = 1; node <= nodes; node++) {
            try (SignalboxClient client = single(network, node)) {
                ReadResult read = client.read(Consistency.LOCAL, "").getRead();
                digests.put(node, read.getDigest());
            }
        }
        return digests;
    }

    private static SignalboxClient single(ChaosNetwork network, int node) {
        return new SignalboxClient(ClientOptions.of(List.of(HostPort.parse(network.members().get(node - 1).clientAddress())))
                .withRetryDeadlineMs(10_000).withRequestTimeoutMs(5_000));
    }

    static long parseSeconds(String text) {
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
