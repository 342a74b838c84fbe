package io.signalbox.cli;

import com.sun.net.httpserver.HttpServer;
import io.signalbox.bench.StorageBenchmark;
import io.signalbox.client.SignalboxClient;
import io.signalbox.proxysync.AgentStateDir;
import io.signalbox.proxysync.ProxyDriver;
import io.signalbox.proxysync.SyncAgent;
import io.signalbox.proxysync.SyncOptions;
import io.signalbox.proxysync.haproxy.HaproxyDriver;
import io.signalbox.proxysync.haproxy.HaproxyRuntime;
import io.signalbox.state.Command;
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
final class HaproxyBench {
    static final int SERVERS = 20;
    static final int BASE_PORT = 30_000;
    static final int SERVICE_PORT = 30_500;
    static final long SAMPLE_TIMEOUT_MS = 30_000;

    /** One measured kind of change. */
    record Row(String approach, String change, int samples, double p50Ms, double p99Ms, double maxMs, long reloads) {}

    private HaproxyBench() {}

    static List<Row> run(PrintWriter out, Path directory, int changes, int baselineChanges, int structuralChanges) throws Exception {
        List<Row> rows = new ArrayList<>();
        HttpServer backend = startOkBackend(64);
        try (ProcessCluster cluster = new ProcessCluster(3, BASE_PORT, directory.resolve("cluster"));
             SignalboxClient client = cluster.client()) {
            ProcessCluster.await("a leader", Duration.ofSeconds(60), () -> cluster.leader() != 0);
            int port = backend.getAddress().getPort();
            List<Command> setup = new ArrayList<>();
            setup.add(new Command.PutService("bench", "http", SERVICE_PORT, "roundrobin", null, 2_000, 30_000, 30_000, null));
            for (int i = 0; i < SERVERS; i++) {
                setup.add(new Command.RegisterServer("bench", "s" + i, "127.0.0.1", port, 1, "ready", false, Map.of(), 0, null));
            }
            client.submit(new Command.Multi(setup));

            int[] weights = new int[SERVERS]; // what the cluster holds, so every change measured is a real change
            Arrays.fill(weights, 1);
            Path agentDir = directory.resolve("agent");
            HaproxyDriver.Settings settings = HaproxyDriver.Settings.managedIn(agentDir, "127.0.0.1").withDrainGraceMs(0);
            rows.addAll(measure(out, cluster, client, "signalbox runtime API", new HaproxyDriver(settings), agentDir, changes,
                    structuralChanges, port, weights));
            Path baselineDir = directory.resolve("baseline");
            Files.createDirectories(baselineDir);
            rows.addAll(measure(out, cluster, client, "reload per change", new ReloadPerChangeDriver(baselineDir), baselineDir,
                    baselineChanges, 0, port, weights));
        } finally {
            backend.stop(0);
        }
        return rows;
    }

    private static List<Row> measure(PrintWriter out, ProcessCluster cluster, SignalboxClient client, String approach, ProxyDriver driver,
                                     Path dir, int changes, int structuralChanges, int backendPort, int[] weights) throws Exception {
        List<Row> rows = new ArrayList<>();
        HaproxyRuntime runtime = new HaproxyRuntime(dir.resolve("admin.sock"));
        try (SignalboxClient agentClient = cluster.client(); AgentStateDir state = AgentStateDir.open(dir);
             SyncAgent agent = SyncAgent.start(agentClient, driver, state, SyncOptions.defaults("bench-" + dir.getFileName()))) {
            awaitServers(runtime, servers -> servers.size() == SERVERS);
            long loaded = client.lastSeenZxid();
            ProcessCluster.await("the agent's first passes", Duration.ofMillis(SAMPLE_TIMEOUT_MS), () -> agent.appliedZxid() >= loaded);
            boolean[] draining = new boolean[SERVERS];
            long reloads = agent.reloads();
            long[] weight = new long[changes];
            for (int i = 0; i < changes; i++) {
                int s = i % SERVERS;
                int w = weights[s] % 200 + 1;
                weights[s] = w;
                String name = "s" + s;
                weight[i] = timed(client, new Command.SetWeight("bench", name, w, null),
                        () -> present(runtime, name, st -> st.userWeight() == w));
            }
            rows.add(row(out, approach, "weight", weight, agent.reloads() - reloads));
            reloads = agent.reloads();
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
            rows.add(row(out, approach, "drain/ready", drain, agent.reloads() - reloads));
            for (int s = 0; s < SERVERS; s++) {
                if (draining[s]) { // an odd count left it draining: ready again, unmeasured, so the next approach starts alike
                    client.submit(new Command.SetState("bench", "s" + s, "ready", null));
                }
            }
            reloads = agent.reloads();
            long[] add = new long[changes];
            for (int i = 0; i < changes; i++) {
                String name = "n" + i;
                add[i] = timed(client, new Command.RegisterServer("bench", name, "127.0.0.1", backendPort, 1, "ready", false, Map.of(), 0, null),
                        () -> present(runtime, name, st -> !st.maintenance()));
                client.submit(new Command.DeregisterServer("bench", name, null));
                awaitServers(runtime, servers -> servers.stream().noneMatch(st -> st.server().equals(name)));
            }
            rows.add(row(out, approach, "add server", add, agent.reloads() - reloads));
            if (structuralChanges > 0) {
                reloads = agent.reloads();
                long[] structural = new long[structuralChanges];
                for (int i = 0; i < structuralChanges; i++) {
                    int port = SERVICE_PORT + 1 + i % 50;
                    String service = "st" + i;
                    structural[i] = timed(client, new Command.Multi(List.of(
                            new Command.PutService(service, "http", port, "roundrobin", null, 2_000, 30_000, 30_000, null),
                            new Command.RegisterServer(service, "a", "127.0.0.1", backendPort, 1, "ready", false, Map.of(), 0, null))),
                            () -> httpOk(port));
                    client.submit(new Command.RemoveService(service, true, null));
                    ProcessCluster.await("service " + service + " gone", Duration.ofMillis(SAMPLE_TIMEOUT_MS), () -> !httpOk(port));
                }
                rows.add(row(out, approach, "new service (reload)", structural, agent.reloads() - reloads));
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
