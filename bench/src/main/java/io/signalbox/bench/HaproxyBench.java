package io.signalbox.bench;

import com.sun.net.httpserver.HttpServer;
import io.signalbox.client.SignalboxClient;
import io.signalbox.common.Json;
import io.signalbox.proxysync.AgentStateDir;
import io.signalbox.proxysync.ProxyDriver;
import io.signalbox.proxysync.SyncAgent;
import io.signalbox.proxysync.SyncOptions;
import io.signalbox.proxysync.haproxy.HaproxyDriver;
import io.signalbox.proxysync.haproxy.HaproxyRuntime;
import io.signalbox.state.Command;
import io.signalbox.testkit.ProcessCluster;
import io.signalbox.testkit.Processes;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * How long a change takes from the cluster's acknowledgement to HAProxy running it: through
 * the sync agent (Runtime API; reloads only for structure), and, for comparison, through
 * render-validate-reload on every change as consul-template-style tools do. A 3-node cluster
 * of real processes on 127.0.0.1, the agent in this JVM, a HAProxy per approach. "Served" is
 * read from HAProxy itself: {@code show servers state} for server changes (a weight or state
 * there applies to the next request), an HTTP answer on the new port for a new service.
 */
public final class HaproxyBench {
    static final int SERVERS = 20;
    public static final int CLUSTER_BASE_PORT = 30_000;
    public static final int SERVICE_PORT = 30_500;
    /** New services (the structural changes) listen on the service port + 1 .. + this. */
    static final int STRUCTURAL_PORTS = 50;
    static final long SAMPLE_TIMEOUT_MS = 30_000;

    /**
     * What {@code bench haproxy} changes.
     *
     * @param changes changes per kind through the agent
     * @param baselineChanges changes per kind through reload-per-change (about 0.1 s each)
     * @param structuralChanges new services through the agent, each a reload
     * @param resultsDir where the JSON document is written
     * @param clusterBasePort node i listens on base+i, base+100+i and base+200+i
     * @param servicePort the measured service's port; new services take the next {@value #STRUCTURAL_PORTS}
     */
    public record Settings(int changes, int baselineChanges, int structuralChanges, Path resultsDir, int clusterBasePort,
                           int servicePort) {
        public Settings {
            SettingChecks.inRange("--changes", changes, 1, 100_000);
            SettingChecks.inRange("--baseline-changes", baselineChanges, 1, 10_000);
            SettingChecks.inRange("--structural-changes", structuralChanges, 0, 1_000);
            SettingChecks.basePort("the cluster's base port", clusterBasePort);
            SettingChecks.inRange("the service port", servicePort, SettingChecks.BASE_PORT_MIN, 65_535 - STRUCTURAL_PORTS);
        }

        /** Today's ports: the cluster from 30,000, the services from 30,500. */
        public Settings(int changes, int baselineChanges, int structuralChanges, Path resultsDir) {
            this(changes, baselineChanges, structuralChanges, resultsDir, CLUSTER_BASE_PORT, SERVICE_PORT);
        }
    }

    /** One measured kind of change. */
    public record Row(String approach, String change, int samples, double p50Ms, double p99Ms, double maxMs, long reloads) {}

    private HaproxyBench() {}

    /**
     * {@code bench haproxy}: a row per approach and kind of change (changes, p50/p99/max ms,
     * reloads), the ratios reload-per-change / agent, and the JSON document of the rows.
     */
    public static List<Row> run(PrintWriter out, Settings settings) throws Exception {
        out.println("haproxy: " + Machine.describe());
        out.flush();
        Path directory = Files.createTempDirectory("signalbox-bench-haproxy-");
        List<Row> rows;
        try {
            rows = measureBoth(out, directory, settings);
        } finally {
            Processes.deleteRecursively(directory);
        }
        for (Row agent : rows) {
            for (Row baseline : rows) {
                if (agent.approach().startsWith("signalbox") && baseline.approach().startsWith("reload")
                        && agent.change().equals(baseline.change())) {
                    out.printf("%-12s reload-per-change / agent: p50 %.0fx, p99 %.0fx%n", agent.change(),
                            baseline.p50Ms() / agent.p50Ms(), baseline.p99Ms() / agent.p99Ms());
                }
            }
        }
        Path file = BenchResults.write(settings.resultsDir(), "haproxy", json(rows));
        out.println(BenchResults.written(file));
        out.flush();
        return rows;
    }

    static String json(List<Row> rows) {
        StringBuilder json = new StringBuilder("{\"machine\":").append(Json.quote(Machine.describe())).append(",\"rows\":[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"approach\":\"%s\",\"change\":\"%s\",\"samples\":%d,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"maxMs\":%.3f,\"reloads\":%d}",
                    r.approach(), r.change(), r.samples(), r.p50Ms(), r.p99Ms(), r.maxMs(), r.reloads()));
        }
        return json.append("]}").toString();
    }

    private static List<Row> measureBoth(PrintWriter out, Path directory, Settings settings) throws Exception {
        List<Row> rows = new ArrayList<>();
        HttpServer backend = startOkBackend(64);
        try (ProcessCluster cluster = new ProcessCluster(3, settings.clusterBasePort(), directory.resolve("cluster"));
             SignalboxClient client = cluster.client()) {
            ProcessCluster.await("a leader", Duration.ofSeconds(60), () -> cluster.leader() != 0);
            int port = backend.getAddress().getPort();
            List<Command> setup = new ArrayList<>();
            setup.add(new Command.PutService("bench", "http", settings.servicePort(), "roundrobin", null, 2_000, 30_000, 30_000, null));
            for (int i = 0; i < SERVERS; i++) {
                setup.add(new Command.RegisterServer("bench", "s" + i, "127.0.0.1", port, 1, "ready", false, Map.of(), 0, null));
            }
            client.submit(new Command.Multi(setup));

            int[] weights = new int[SERVERS]; // what the cluster holds, so every change measured is a real change
            Arrays.fill(weights, 1);
            Path agentDir = directory.resolve("agent");
            HaproxyDriver.Settings driverSettings = HaproxyDriver.Settings.managedIn(agentDir, "127.0.0.1").withDrainGraceMs(0);
            rows.addAll(measure(out, cluster, client, "signalbox runtime API", new HaproxyDriver(driverSettings), agentDir,
                    settings.changes(), settings.structuralChanges(), settings.servicePort(), port, weights));
            Path baselineDir = directory.resolve("baseline");
            Files.createDirectories(baselineDir);
            rows.addAll(measure(out, cluster, client, "reload per change", new ReloadPerChangeDriver(baselineDir), baselineDir,
                    settings.baselineChanges(), 0, settings.servicePort(), port, weights));
        } finally {
            backend.stop(0);
        }
        return rows;
    }

    private static List<Row> measure(PrintWriter out, ProcessCluster cluster, SignalboxClient client, String approach, ProxyDriver driver,
                                     Path dir, int changes, int structuralChanges, int servicePort, int backendPort, int[] weights)
            throws Exception {
        List<Row> rows = new ArrayList<>();
        HaproxyRuntime runtime = new HaproxyRuntime(dir.resolve("admin.sock"));
        try (SignalboxClient agentClient = cluster.client(); AgentStateDir state = AgentStateDir.open(dir);
             SyncAgent agent = SyncAgent.start(agentClient, driver, state, SyncOptions.defaults("bench-" + dir.getFileName()))) {
            awaitServers(runtime, servers -> servers.size() == SERVERS);
            long loaded = client.lastSeenZxid();
            ProcessCluster.await("the agent's first passes", Duration.ofMillis(SAMPLE_TIMEOUT_MS), () -> agent.appliedZxid() >= loaded);
            boolean[] draining = new boolean[SERVERS];
            long reloads = settledReloads(agent, client);
            long[] weight = new long[changes];
            for (int i = 0; i < changes; i++) {
                int s = i % SERVERS;
                int w = weights[s] % 200 + 1;
                weights[s] = w;
                String name = "s" + s;
                weight[i] = timed(client, new Command.SetWeight("bench", name, w, null),
                        () -> present(runtime, name, st -> st.userWeight() == w));
            }
            rows.add(row(out, approach, "weight", weight, settledReloads(agent, client) - reloads));
            reloads = settledReloads(agent, client);
            long[] drain = new long[changes];
            for (int i = 0; i < changes; i++) {
                int s = i % SERVERS;
                boolean toDrain = !draining[s];
                draining[s] = toDrain;
                String name = "s" + s;
                drain[i] = timed(client, new Command.SetState("bench", name, toDrain ? "drain" : "ready", null),
                        // Rendered files have no drain keyword: reload-per-change renders a draining server with weight 0.
                        () -> present(runtime, name, st -> toDrain ? st.draining() || st.userWeight() == 0
                                : !st.draining() && st.userWeight() > 0));
            }
            rows.add(row(out, approach, "drain/ready", drain, settledReloads(agent, client) - reloads));
            for (int s = 0; s < SERVERS; s++) {
                if (draining[s]) { // an odd count left it draining: ready again, unmeasured, so the next approach starts alike
                    client.submit(new Command.SetState("bench", "s" + s, "ready", null));
                }
            }
            reloads = settledReloads(agent, client);
            long[] add = new long[changes];
            for (int i = 0; i < changes; i++) {
                String name = "n" + i;
                add[i] = timed(client, new Command.RegisterServer("bench", name, "127.0.0.1", backendPort, 1, "ready", false, Map.of(), 0, null),
                        () -> present(runtime, name, st -> !st.maintenance()));
                client.submit(new Command.DeregisterServer("bench", name, null));
                awaitServers(runtime, servers -> servers.stream().noneMatch(st -> st.server().equals(name)));
            }
            rows.add(row(out, approach, "add server", add, settledReloads(agent, client) - reloads));
            if (structuralChanges > 0) {
                reloads = settledReloads(agent, client);
                long[] structural = new long[structuralChanges];
                for (int i = 0; i < structuralChanges; i++) {
                    int port = servicePort + 1 + i % STRUCTURAL_PORTS;
                    String service = "st" + i;
                    structural[i] = timed(client, new Command.Multi(List.of(
                            new Command.PutService(service, "http", port, "roundrobin", null, 2_000, 30_000, 30_000, null),
                            new Command.RegisterServer(service, "a", "127.0.0.1", backendPort, 1, "ready", false, Map.of(), 0, null))),
                            () -> httpOk(port));
                    client.submit(new Command.RemoveService(service, true, null));
                    ProcessCluster.await("service " + service + " gone", Duration.ofMillis(SAMPLE_TIMEOUT_MS), () -> !httpOk(port));
                }
                rows.add(row(out, approach, "new service (reload)", structural, settledReloads(agent, client) - reloads));
            }
        }
        return rows;
    }

    /** An HTTP backend on 127.0.0.1 (ephemeral port) answering every request with "ok"; the caller stops it. */
    static HttpServer startOkBackend(int backlog) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true"); // no Nagle stall on proxies' kept-alive upstream connections
        HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), backlog);
        backend.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 3);
            exchange.getResponseBody().write("ok\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            exchange.close();
        });
        backend.start();
        return backend;
    }

    /** Submits, then polls until {@code served}; the time from the acknowledgement to served, in nanoseconds. */
    private static long timed(SignalboxClient client, Command command, java.util.function.BooleanSupplier served) throws InterruptedException {
        client.submit(command);
        long acknowledged = System.nanoTime();
        long deadline = acknowledged + Duration.ofMillis(SAMPLE_TIMEOUT_MS).toNanos();
        while (!served.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not served within " + SAMPLE_TIMEOUT_MS + " ms: " + command);
            }
            // Polls every 0.2 ms: on two cores a busy loop would take CPU from the agent and HAProxy it measures.
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
        return System.nanoTime() - acknowledged;
    }

    /**
     * The agent's reload count once it has finished the passes for everything {@code client}
     * submitted: HAProxy runs a change before the agent counts the reload that made it.
     */
    private static long settledReloads(SyncAgent agent, SignalboxClient client) throws InterruptedException {
        long submitted = client.lastSeenZxid();
        ProcessCluster.await("the agent's pass for zxid " + Long.toHexString(submitted), Duration.ofMillis(SAMPLE_TIMEOUT_MS),
                () -> agent.appliedZxid() >= submitted);
        return agent.reloads();
    }

    private static boolean present(HaproxyRuntime runtime, String server, Predicate<HaproxyRuntime.ServerStatus> condition) {
        try {
            return runtime.serversState().stream().anyMatch(st -> st.server().equals(server) && condition.test(st));
        } catch (RuntimeException e) {
            return false; // between workers during a reload
        }
    }

    private static void awaitServers(HaproxyRuntime runtime, Predicate<List<HaproxyRuntime.ServerStatus>> condition)
            throws InterruptedException {
        ProcessCluster.await("HAProxy's servers", Duration.ofMillis(SAMPLE_TIMEOUT_MS), () -> {
            try {
                return condition.test(runtime.serversState());
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    private static boolean httpOk(int port) {
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/").openConnection();
            connection.setRequestProperty("Connection", "close");
            connection.setConnectTimeout(1_000);
            connection.setReadTimeout(2_000);
            int status = connection.getResponseCode();
            (status == 200 ? connection.getInputStream() : connection.getErrorStream()).readAllBytes();
            return status == 200;
        } catch (IOException | NullPointerException e) {
            return false;
        }
    }

    private static Row row(PrintWriter out, String approach, String change, long[] nanos, long reloads) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        Row row = new Row(approach, change, sorted.length, StorageBenchmark.percentileMs(sorted, 0.50),
                StorageBenchmark.percentileMs(sorted, 0.99), sorted[sorted.length - 1] / 1e6, reloads);
        out.printf("%-22s %-22s %6d changes  p50 %8.2f ms  p99 %8.2f ms  max %8.2f ms  %5d reloads%n", approach, change, row.samples(),
                row.p50Ms(), row.p99Ms(), row.maxMs(), reloads);
        out.flush();
        return row;
    }
}
