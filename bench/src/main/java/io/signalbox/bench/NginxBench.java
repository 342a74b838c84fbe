package io.signalbox.bench;

import com.sun.net.httpserver.HttpServer;
import io.signalbox.client.SignalboxClient;
import io.signalbox.common.Json;
import io.signalbox.protocol.Consistency;
import io.signalbox.proxysync.AgentStateDir;
import io.signalbox.proxysync.SyncAgent;
import io.signalbox.proxysync.SyncOptions;
import io.signalbox.proxysync.nginx.NginxDriver;
import io.signalbox.proxysync.nginx.NginxMode;
import io.signalbox.state.Command;
import io.signalbox.state.Server;
import io.signalbox.testkit.ProcessCluster;
import io.signalbox.testkit.Processes;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Nginx through the sync agent: the time from a change acknowledged by a 3-node cluster to
 * Nginx serving it (the version location answering that zxid or a later one, polled every
 * millisecond), with the default debounce and without; then a steady stream of changes at a
 * fixed rate with keep-alive clients sending through Nginx, counting reloads, and Nginx's
 * worker processes and memory right after the stream and once worker_shutdown_timeout passed.
 */
public final class NginxBench {
    public static final int CLUSTER_BASE_PORT = 30_000;
    public static final int SERVICE_PORT = 30_550;
    public static final int VERSION_PORT = 30_599;
    static final int SERVERS = 20;

    /**
     * What {@code bench nginx} changes.
     *
     * @param changes changes one at a time, per debounce setting
     * @param rate changes per second in the stream
     * @param seconds length of the stream
     * @param resultsDir where the JSON document is written
     * @param clusterBasePort node i listens on base+i, base+100+i and base+200+i
     * @param servicePort where Nginx serves the measured service
     * @param versionPort where Nginx serves the zxid it runs
     */
    public record Settings(int changes, int rate, int seconds, Path resultsDir, int clusterBasePort, int servicePort, int versionPort) {
        public Settings {
            SettingChecks.inRange("--changes", changes, 1, 10_000);
            SettingChecks.inRange("--rate", rate, 1, 5_000);
            SettingChecks.inRange("--seconds", seconds, 1, 600);
            SettingChecks.basePort("the cluster's base port", clusterBasePort);
            SettingChecks.inRange("the service port", servicePort, SettingChecks.BASE_PORT_MIN, 65_535);
            SettingChecks.inRange("the version port", versionPort, SettingChecks.BASE_PORT_MIN, 65_535);
        }

        /** Today's ports: the cluster from 30,000, the service on 30,550, the version on 30,599. */
        public Settings(int changes, int rate, int seconds, Path resultsDir) {
            this(changes, rate, seconds, resultsDir, CLUSTER_BASE_PORT, SERVICE_PORT, VERSION_PORT);
        }
    }

    /** One figure, in words. */
    public record Row(String what, String value) {}

    /** One agent setup measured: Nginx's mode, the debounce, whether a stream runs through it too. */
    private record Run(NginxMode mode, long debounceMs, boolean stream) {
        String label() {
            return mode == NginxMode.DYNAMIC ? "dynamic mode" : "debounce " + debounceMs + " ms";
        }
    }

    /** Reload mode as before (debounce 200 ms with a stream, then 0), then dynamic mode (no debounce: a push is cheap). */
    private static final List<Run> RUNS = List.of(new Run(NginxMode.RELOAD, 200, true), new Run(NginxMode.RELOAD, 0, false),
            new Run(NginxMode.DYNAMIC, 0, true));

    private record Latency(Row row, double p50Ms, double p99Ms) {}

    private NginxBench() {}

    /**
     * {@code bench nginx}: the latency line per debounce setting, the stream's reloads and
     * requests, Nginx's workers and memory after it and 12 s later, and the JSON document of those.
     */
    public static List<Row> run(PrintWriter out, Settings settings) throws Exception {
        out.println("nginx: " + Machine.describe());
        out.flush();
        Path directory = Files.createTempDirectory("signalbox-bench-nginx-");
        List<Row> rows;
        try {
            rows = measure(out, directory, settings);
        } finally {
            Processes.deleteRecursively(directory);
        }
        StringBuilder json = new StringBuilder("{\"machine\":").append(Json.quote(Machine.describe())).append(",\"rows\":[");
        for (int i = 0; i < rows.size(); i++) {
            json.append(i == 0 ? "" : ",").append("{\"what\":").append(Json.quote(rows.get(i).what()))
                    .append(",\"value\":").append(Json.quote(rows.get(i).value())).append('}');
        }
        Path file = BenchResults.write(settings.resultsDir(), "nginx", json.append("]}").toString());
        out.println(BenchResults.written(file));
        out.flush();
        return rows;
    }

    private static List<Row> measure(PrintWriter out, Path directory, Settings settings) throws Exception {
        HttpServer backend = HaproxyBench.startOkBackend(256);
        List<Row> rows = new ArrayList<>();
        try (ProcessCluster cluster = new ProcessCluster(3, settings.clusterBasePort(), directory.resolve("cluster"));
             SignalboxClient client = cluster.client()) {
            ProcessCluster.await("a leader", Duration.ofSeconds(60), () -> cluster.leader() != 0);
            List<Command> setup = new ArrayList<>();
            setup.add(new Command.PutService("bench", "http", settings.servicePort(), "roundrobin", null, 2_000, 30_000, 30_000, null));
            for (int i = 0; i < SERVERS; i++) {
                setup.add(new Command.RegisterServer("bench", "s" + i, "127.0.0.1", backend.getAddress().getPort(), 1, "ready", false,
                        Map.of(), 0, null));
            }
            client.submit(new Command.Multi(setup));
            double[] reloadWithoutDebounce = null;
            for (Run run : RUNS) {
                Path agentDir = directory.resolve("agent-" + run.label().replace(' ', '-'));
                NginxDriver driver = new NginxDriver(NginxDriver.Settings.managedIn(agentDir, settings.versionPort(), "127.0.0.1", run.mode()));
                try (SignalboxClient agentClient = cluster.client(); AgentStateDir state = AgentStateDir.open(agentDir);
                     SyncAgent agent = SyncAgent.start(agentClient, driver, state,
                             SyncOptions.defaults("bench-nginx").withDebounce(run.debounceMs(), Math.max(1_000, run.debounceMs())))) {
                    long loaded = client.lastSeenZxid();
                    ProcessCluster.await("the agent's first pass", Duration.ofSeconds(30), () -> agent.appliedZxid() >= loaded);
                    Latency latency = latency(out, client, agent, driver, settings.changes(), run.label());
                    rows.add(latency.row());
                    if (run.mode() == NginxMode.RELOAD && run.debounceMs() == 0) {
                        reloadWithoutDebounce = new double[] {latency.p50Ms(), latency.p99Ms()};
                    }
                    if (run.mode() == NginxMode.DYNAMIC && reloadWithoutDebounce != null) {
                        rows.add(ratio(out, reloadWithoutDebounce, latency));
                    }
                    if (run.stream()) {
                        rows.addAll(stream(out, client, agent, driver, settings, run));
                    }
                }
            }
        } finally {
            backend.stop(0);
        }
        return rows;
    }

    private static Latency latency(PrintWriter out, SignalboxClient client, SyncAgent agent, NginxDriver driver, int changes, String label)
            throws InterruptedException {
        long[] nanos = new long[changes];
        int[] weights = weights(client);
        long reloads = agent.reloads();
        long zxid = 0;
        for (int i = 0; i < changes; i++) {
            zxid = client.submit(realChange(weights, i % SERVERS)).zxid();
            long acknowledged = System.nanoTime();
            long deadline = acknowledged + Duration.ofSeconds(30).toNanos();
            while (servedZxid(driver) < zxid) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Nginx did not serve zxid " + Long.toHexString(zxid) + " within 30 s");
                }
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            nanos[i] = System.nanoTime() - acknowledged;
        }
        Arrays.sort(nanos);
        long reloaded = reloadsOnceApplied(agent, zxid) - reloads;
        String value = String.format(java.util.Locale.ROOT, "%d changes one at a time: p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d reloads",
                changes, StorageBenchmark.percentileMs(nanos, 0.5), StorageBenchmark.percentileMs(nanos, 0.99), nanos[changes - 1] / 1e6,
                reloaded);
        out.println("acknowledged -> served, " + label + ": " + value);
        out.flush();
        return new Latency(new Row("latency, " + label, value), StorageBenchmark.percentileMs(nanos, 0.5),
                StorageBenchmark.percentileMs(nanos, 0.99));
    }

    /** Dynamic mode against reload mode without debounce, measured in the same run (the machine is noisy: compare ratios). */
    private static Row ratio(PrintWriter out, double[] reload, Latency dynamic) {
        String value = String.format(java.util.Locale.ROOT, "p50 %.0fx, p99 %.0fx", reload[0] / Math.max(0.001, dynamic.p50Ms()),
                reload[1] / Math.max(0.001, dynamic.p99Ms()));
        out.println("reload (debounce 0) / dynamic: " + value);
        out.flush();
        return new Row("reload (debounce 0) / dynamic", value);
    }

    private static List<Row> stream(PrintWriter out, SignalboxClient client, SyncAgent agent, NginxDriver driver, Settings settings, Run run)
            throws Exception {
        int rate = settings.rate();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong requests = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            Thread thread = new Thread(() -> keepAliveClient(settings.servicePort(), running, requests, failures), "nginx-bench-client-" + c);
            thread.start();
            clients.add(thread);
        }
        long reloads = agent.reloads();
        int total = rate * settings.seconds();
        long periodNanos = 1_000_000_000L / rate;
        CountDownLatch acknowledged = new CountDownLatch(total);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            client.submitAsync(new Command.SetWeight("bench", "s" + i % SERVERS, 1 + i % 100, null))
                    .whenComplete((result, failure) -> acknowledged.countDown());
        }
        if (!acknowledged.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(acknowledged.getCount() + " of the stream's " + total + " changes unanswered 60 s after the last");
        }
        long last = client.submit(realChange(weights(client), 0)).zxid();
        ProcessCluster.await("Nginx serves the end of the stream", Duration.ofSeconds(30), () -> servedZxid(driver) >= last);
        long streamReloads = reloadsOnceApplied(agent, last) - reloads;
        long[] after = driver.workersAndRssKib();
        long[] settled = after;
        if (run.mode() == NginxMode.RELOAD) {
            Thread.sleep(12_000); // worker_shutdown_timeout is 10 s
            settled = driver.workersAndRssKib();
        }
        running.set(false);
        for (Thread thread : clients) {
            thread.join(10_000);
        }
        String suffix = run.mode() == NginxMode.DYNAMIC ? ", dynamic mode" : "";
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("stream" + suffix, String.format(java.util.Locale.ROOT, "%d changes at %d/s: %d reloads (%.1f per 1,000 changes); "
                + "%d requests through Nginx by 4 keep-alive clients meanwhile, %d failed", total + 1, rate, streamReloads,
                streamReloads * 1000.0 / (total + 1), requests.get(), failures.get())));
        rows.add(new Row("workers after the stream" + suffix, after[0] + " worker processes, " + after[1] / 1024 + " MiB resident"));
        if (run.mode() == NginxMode.RELOAD) {
            rows.add(new Row("workers 12 s later", settled[0] + " worker processes, " + settled[1] / 1024 + " MiB resident"));
        }
        rows.forEach(r -> out.println(r.what() + ": " + r.value()));
        out.flush();
        return rows;
    }

    private static void keepAliveClient(int servicePort, AtomicBoolean running, AtomicLong requests, AtomicLong failures) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + servicePort + "/")).timeout(Duration.ofSeconds(5)).build();
        while (running.get()) {
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                requests.incrementAndGet();
                if (response.statusCode() != 200) {
                    failures.incrementAndGet();
                }
            } catch (java.io.IOException e) {
                requests.incrementAndGet();
                failures.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // about 500 requests/s per client
        }
    }

    /** The weight of each bench server as the cluster holds it now. */
    private static int[] weights(SignalboxClient client) {
        int[] weights = new int[SERVERS];
        for (Server server : client.read(Consistency.LINEARIZABLE, "bench").configuration().servers().getOrDefault("bench", List.of())) {
            weights[Integer.parseInt(server.name().substring(1))] = server.weight();
        }
        return weights;
    }

    /**
     * A new weight for server {@code s}, other than the one it has: a change that leaves what
     * Nginx runs as it was reloads nothing, so its zxid would never be served and the bench would wait in vain.
     */
    private static Command realChange(int[] weights, int s) {
        weights[s] = weights[s] % 200 + 1;
        return new Command.SetWeight("bench", "s" + s, weights[s], null);
    }

    /** The agent's reload count once it has finished the pass that applied {@code zxid}: Nginx serves a change before the agent counts its reload. */
    private static long reloadsOnceApplied(SyncAgent agent, long zxid) throws InterruptedException {
        ProcessCluster.await("the agent's pass for zxid " + Long.toHexString(zxid), Duration.ofSeconds(30), () -> agent.appliedZxid() >= zxid);
        return agent.reloads();
    }

    /** The zxid Nginx's version location serves ("epoch:counter"), or -1. */
    static long servedZxid(NginxDriver driver) {
        String version = driver.servedVersion();
        String[] parts = version == null ? new String[0] : version.split(":");
        if (parts.length != 2) {
            return -1;
        }
        try {
            return io.signalbox.common.Zxid.of(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
