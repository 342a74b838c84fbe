package io.signalbox.cli;

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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Load against a local cluster of real server processes: durable writes (an upsert of one of
 * 1,000 servers carrying a value of {@code valueBytes}), LOCAL reads and LINEARIZABLE reads,
 * each with a fixed number of requests outstanding, spread over one client per node.
 * Latencies are kept per request (bounded) and reported as percentiles.
 */
final class ClusterBench implements AutoCloseable {
    static final int SERVICES = 100;
    static final int SERVERS_PER_SERVICE = 10;
    static final int SAMPLES_MAX = 5_000_000;

    record Row(String workload, int outstanding, double opsPerSecond, double p50Ms, double p99Ms, double p999Ms, long errors) {}

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
            List<String> command = Launch.javaCommand("server", "--config", conf.toString());
            command.set(command.indexOf("-Xmx512m"), "-Xmx" + heap);
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

    Row run(String workload, int outstanding, double warmupSeconds, double seconds) throws InterruptedException {
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
        drive(op, outstanding, (long) (warmupSeconds * 1e9), null, null);
        long[] samples = new long[SAMPLES_MAX];
        AtomicLong recorded = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long started = System.nanoTime();
        long completed = drive(op, outstanding, (long) (seconds * 1e9), samples, recorded, errors);
        double elapsed = (System.nanoTime() - started) / 1e9;
        int n = (int) Math.min(recorded.get(), SAMPLES_MAX);
        long[] sorted = Arrays.copyOf(samples, n);
        Arrays.sort(sorted);
        return new Row(workload, outstanding, completed / elapsed, pct(sorted, 0.50), pct(sorted, 0.99), pct(sorted, 0.999), errors.get());
    }

    private long drive(IntFunction<CompletableFuture<Response>> op, int outstanding, long nanos, long[] samples, AtomicLong recorded)
            throws InterruptedException {
        return drive(op, outstanding, nanos, samples, recorded, new AtomicLong());
    }

    /** Keeps {@code outstanding} requests in flight for {@code nanos}; returns how many completed without error. */
    private long drive(IntFunction<CompletableFuture<Response>> op, int outstanding, long nanos, long[] samples, AtomicLong recorded,
                       AtomicLong errors) throws InterruptedException {
        Semaphore slots = new Semaphore(outstanding);
        AtomicLong ok = new AtomicLong();
        long end = System.nanoTime() + nanos;
        int i = 0;
        while (System.nanoTime() < end) {
            if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            long start = System.nanoTime();
            op.apply(i++).whenComplete((response, failure) -> {
                long latency = System.nanoTime() - start;
                if (failure == null) {
                    ok.incrementAndGet();
                    if (samples != null) {
                        long index = recorded.getAndIncrement();
                        if (index < samples.length) {
                            samples[(int) index] = latency;
                        }
                    }
                } else {
                    errors.incrementAndGet();
                }
                slots.release();
            });
        }
        slots.acquire(outstanding); // let the tail finish before the next row
        return ok.get();
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    /** CPU seconds used by the server processes so far (from /proc), or -1 where unknown. */
    double serverCpuSeconds() {
        double total = 0;
        for (Process p : processes) {
            try {
                String[] stat = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat")).split(" ");
                total += (Long.parseLong(stat[13]) + Long.parseLong(stat[14])) / 100.0;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
        return total;
    }

    static void printHeader(PrintWriter out) {
        out.printf("%-18s %11s %12s %9s %9s %9s %7s %13s%n", "workload", "outstanding", "ops/s", "p50_ms", "p99_ms", "p999_ms", "errors",
                "server_cpu_s");
    }

    static void print(PrintWriter out, Row row, double cpuSeconds) {
        out.printf("%-18s %11d %12.0f %9.2f %9.2f %9.2f %7d %13.1f%n", row.workload(), row.outstanding(), row.opsPerSecond(), row.p50Ms(),
                row.p99Ms(), row.p999Ms(), row.errors(), cpuSeconds);
        out.flush();
    }

    @Override
    public void close() {
        clients.forEach(SignalboxClient::close);
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
