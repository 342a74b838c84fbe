package io.signalbox.bench;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.HostPort;
import io.signalbox.server.NodeConfig;
import io.signalbox.state.Command;
import io.signalbox.testkit.Launch;
import io.signalbox.testkit.Processes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * Load against a local cluster of real server processes: durable writes (an upsert of one of
 * 1,000 servers carrying a value of {@code valueBytes}), LOCAL reads and LINEARIZABLE reads,
 * each with a fixed number of requests outstanding, spread over one client per node.
 * The load itself is {@link LoadRun}, shared with the ZooKeeper side of {@code bench compare}.
 */
public final class ClusterBench implements AutoCloseable {
    static final int SERVICES = 100;
    static final int SERVERS_PER_SERVICE = 10;
    /** {@code write-forwarded}: writes through each client's own node, followers forwarding them, as before clients went to the leader. */
    public static final List<String> WORKLOADS = List.of("write", "write-forwarded", "read-local", "read-linearizable");

    /**
     * What {@code bench cluster} runs: a row per workload and number outstanding.
     *
     * @param basePort node i listens on base+i (peers), base+100+i (clients) and base+200+i (admin)
     * @param profile record a JFR profile of each server into its directory, and keep the directory
     */
    public record Settings(LoadSettings load, List<String> workloads, int basePort, boolean profile) {
        public Settings {
            if (workloads.isEmpty() || !WORKLOADS.containsAll(workloads)) {
                throw new IllegalArgumentException("--workloads must be some of " + String.join(",", WORKLOADS) + ", got " + workloads);
            }
            SettingChecks.basePort("--base-port", basePort);
            workloads = List.copyOf(workloads);
        }
    }

    private final List<NodeConfig.Member> members;
    private final List<Process> processes = new ArrayList<>();
    private final List<SignalboxClient> clients = new ArrayList<>();
    /** One per node too, with commands to that node rather than to the leader. */
    private final List<SignalboxClient> forwardingClients = new ArrayList<>();
    private final int valueBytes;

    ClusterBench(int nodes, int basePort, Path directory, int valueBytes, String heap, boolean profile) throws IOException {
        this(nodes, basePort, directory, valueBytes, heap, profile, null);
    }

    /** @param tls certificates for TLS on all three ports with client certificates required, or null for plaintext */
    ClusterBench(int nodes, int basePort, Path directory, int valueBytes, String heap, boolean profile, BenchCertificates tls)
            throws IOException {
        this.members = NodeConfig.localMembers(nodes, basePort);
        this.valueBytes = valueBytes;
        for (NodeConfig.Member member : members) {
            Path nodeDir = directory.resolve("node" + member.id());
            Files.createDirectories(nodeDir);
            Path conf = NodeConfig.writeFile(nodeDir, member.id(), members, tls == null ? Map.of() : tlsKeys(tls, member.id()));
            List<String> jvmFlags = profile
                    ? List.of("-XX:StartFlightRecording=filename=" + nodeDir.resolve("node.jfr") + ",settings=profile") : List.of();
            processes.add(new ProcessBuilder(Launch.server(heap, jvmFlags, conf, List.of())).redirectErrorStream(true)
                    .redirectOutput(nodeDir.resolve("node.log").toFile()).start());
        }
        for (NodeConfig.Member member : members) {
            ClientOptions plain = ClientOptions.of(List.of(HostPort.parse(member.clientAddress()))).withRetryDeadlineMs(60_000);
            ClientOptions options = tls == null ? plain : plain.withTls(tls.client());
            clients.add(new SignalboxClient(options));
            forwardingClients.add(new SignalboxClient(options.withCommandsToLeader(false)));
        }
    }

    private static Map<String, String> tlsKeys(BenchCertificates tls, int id) {
        Map<String, String> keys = new java.util.LinkedHashMap<>();
        keys.put("tls.ca", tls.node(id).ca().toString());
        keys.put("tls.cert", tls.node(id).cert().toString());
        keys.put("tls.key", tls.node(id).key().toString());
        keys.put("tls.clientAuth", "require");
        keys.put("auth.admin", BenchCertificates.CLIENT);
        return keys;
    }

    /**
     * {@code bench cluster}: starts the servers, prints a header and a row per workload and
     * number outstanding (ops/s, p50/p99/p999 ms, errors, server CPU seconds), then stops them.
     */
    public static List<LoadRun.Row> run(PrintWriter out, Settings settings) throws Exception {
        LoadSettings load = settings.load();
        Path dir = Files.createTempDirectory("signalbox-bench-cluster-");
        out.printf("cluster benchmark: nodes=%d value_bytes=%d duration_s=%.0f warmup_s=%.0f heap=%s %s data=%s%n", load.nodes(),
                load.valueBytes(), load.seconds(), load.warmupSeconds(), load.heap(), Machine.describe(), dir);
        List<LoadRun.Row> rows = new ArrayList<>();
        try (ClusterBench bench = new ClusterBench(load.nodes(), settings.basePort(), dir, load.valueBytes(), load.heap(), settings.profile())) {
            bench.prepare();
            printHeader(out);
            for (String workload : settings.workloads()) {
                for (int count : load.outstanding()) {
                    LoadRun.Row row = bench.measure(workload, count, load.warmupSeconds(), load.seconds());
                    rows.add(row);
                    print(out, row);
                }
            }
        } finally {
            if (settings.profile()) {
                out.println("profiles kept in " + dir + "/nodeN/node.jfr (jfr print --events jdk.ExecutionSample ...)");
            } else {
                Processes.deleteRecursively(dir);
            }
        }
        return rows;
    }

    /** Waits for a leader, then creates the services and servers the workloads touch. */
    void prepare() {
        SignalboxClient client = clients.get(0);
        for (int s = 0; s < SERVICES; s++) {
            client.submit(new Command.PutService("bench-" + s, "http", 20_000 + s, "roundrobin", null, 1000, 1000, 1000, null));
        }
        List<CompletableFuture<CommandResult>> pending = new ArrayList<>();
        for (int i = 0; i < SERVICES * SERVERS_PER_SERVICE; i++) {
            pending.add(client.submitAsync(write(i)));
        }
        pending.forEach(CompletableFuture::join);
    }

    /** The value rides in labels (at most 63 characters each), 50 characters per label. */
    private Command write(int i) {
        Map<String, String> labels = new java.util.TreeMap<>();
        for (int offset = 0, k = 0; offset < valueBytes; offset += 50, k++) {
            char[] chunk = new char[Math.min(50, valueBytes - offset)];
            Arrays.fill(chunk, (char) ('a' + (i + k) % 26));
            labels.put("v" + k, new String(chunk));
        }
        int server = (i % (SERVICES * SERVERS_PER_SERVICE));
        int service = server % SERVICES;
        return new Command.RegisterServer("bench-" + service, "s" + (server / SERVICES), "10." + (service / 250) + "." + (service % 250)
                + "." + (1 + server / SERVICES), 80, 1 + i % 200, "ready", false, labels, 0, null);
    }

    /** One row: {@code workload} (one of {@link #WORKLOADS}) with {@code outstanding} requests in flight. */
    LoadRun.Row measure(String workload, int outstanding, double warmupSeconds, double seconds) throws InterruptedException {
        IntFunction<CompletableFuture<?>> op;
        switch (workload) {
            case "write":
                op = i -> clients.get(i % clients.size()).submitAsync(write(i));
                break;
            case "write-forwarded":
                op = i -> forwardingClients.get(i % forwardingClients.size()).submitAsync(write(i));
                break;
            case "read-local":
                op = i -> clients.get(i % clients.size()).readAsync(Consistency.LOCAL, "bench-" + (i % SERVICES), 0);
                break;
            case "read-linearizable":
                op = i -> clients.get(i % clients.size()).readAsync(Consistency.LINEARIZABLE, "bench-" + (i % SERVICES), 0);
                break;
            default:
                throw new IllegalArgumentException("workload must be one of " + WORKLOADS + ", got " + workload);
        }
        double cpuBefore = serverCpuSeconds();
        LoadRun.Row row = LoadRun.run("signalbox", workload, outstanding, warmupSeconds, seconds, op);
        return row.withCpu(serverCpuSeconds() - cpuBefore);
    }

    /** CPU seconds used by the server processes so far (from /proc), or -1 where unknown. */
    double serverCpuSeconds() {
        return LoadRun.cpuSeconds(processes);
    }

    static void printHeader(PrintWriter out) {
        out.printf("%-18s %11s %12s %9s %9s %9s %7s %13s%n", "workload", "outstanding", "ops/s", "p50_ms", "p99_ms", "p999_ms", "errors",
                "server_cpu_s");
    }

    static void print(PrintWriter out, LoadRun.Row row) {
        out.printf("%-18s %11d %12.0f %9.2f %9.2f %9.2f %7d %13.1f%n", row.workload(), row.outstanding(), row.opsPerSecond(), row.p50Ms(),
                row.p99Ms(), row.p999Ms(), row.errors(), row.serverCpuSeconds());
        out.flush();
    }

    @Override
    public void close() {
        clients.forEach(SignalboxClient::close);
        forwardingClients.forEach(SignalboxClient::close);
        Processes.stopAll(processes, 15);
    }
}
