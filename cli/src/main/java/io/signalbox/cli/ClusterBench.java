package io.signalbox.cli;

import io.signalbox.bench.LoadRun;
import io.signalbox.client.ClientOptions;
import io.signalbox.client.HostPort;
import io.signalbox.client.SignalboxClient;
import io.signalbox.proto.client.Consistency;
import io.signalbox.proto.client.Response;
import io.signalbox.server.NodeConfig;
import io.signalbox.state.Command;
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
final class ClusterBench implements AutoCloseable {
    static final int SERVICES = 100;
    static final int SERVERS_PER_SERVICE = 10;
    private final List<NodeConfig.Member> members;
    private final List<Process> processes = new ArrayList<>();
    private final List<SignalboxClient> clients = new ArrayList<>();
    private final int valueBytes;

    ClusterBench(int nodes, int basePort, Path directory, int valueBytes, String heap, boolean profile) throws IOException {
        this.members = NodeConfig.localMembers(nodes, basePort);
        this.valueBytes = valueBytes;
        for (NodeConfig.Member member : members) {
            Path nodeDir = directory.resolve("node" + member.id());
            Files.createDirectories(nodeDir);
            Path conf = ClusterCommand.writeConfig(nodeDir, member.id(), members);
            List<String> command = Launch.signalbox(heap, "server", "--config", conf.toString());
            if (profile) {
                command.add(1, "-XX:StartFlightRecording=filename=" + nodeDir.resolve("node.jfr") + ",settings=profile");
            }
            processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(nodeDir.resolve("node.log").toFile()).start());
        }
        for (NodeConfig.Member member : members) {
            clients.add(new SignalboxClient(ClientOptions.of(List.of(HostPort.parse(member.clientAddress())))
                    .withRetryDeadlineMs(60_000)));
        }
    }

    /** Waits for a leader, then creates the services and servers the workloads touch. */
    void prepare() {
        SignalboxClient client = clients.get(0);
        for (int s = 0; s < SERVICES; s++) {
            client.submit(new Command.PutService("bench-" + s, "http", 20_000 + s, "roundrobin", null, 1000, 1000, 1000, null));
        }
        List<CompletableFuture<Response>> pending = new ArrayList<>();
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

    LoadRun.Row run(String workload, int outstanding, double warmupSeconds, double seconds) throws InterruptedException {
        IntFunction<CompletableFuture<Response>> op;
        switch (workload) {
            case "write":
                op = i -> clients.get(i % clients.size()).submitAsync(write(i));
                break;
            case "read-local":
                op = i -> clients.get(i % clients.size()).readAsync(Consistency.LOCAL, "bench-" + (i % SERVICES), 0);
                break;
            case "read-linearizable":
                op = i -> clients.get(i % clients.size()).readAsync(Consistency.LINEARIZABLE, "bench-" + (i % SERVICES), 0);
                break;
            default:
                throw new IllegalArgumentException("unknown workload " + workload);
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
        io.signalbox.bench.Processes.stopAll(processes, 15);
    }
}
