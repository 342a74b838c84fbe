package io.signalbox.cli;

import com.sun.net.httpserver.HttpServer;
import io.signalbox.bench.StorageBenchmark;
import io.signalbox.client.SignalboxClient;
import io.signalbox.proxysync.AgentStateDir;
import io.signalbox.proxysync.SyncAgent;
import io.signalbox.proxysync.SyncOptions;
import io.signalbox.proxysync.nginx.NginxDriver;
import io.signalbox.state.Command;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Nginx through the sync agent: the time from a change acknowledged by a 3-node cluster to
 * Nginx serving it (the version location answering that zxid or a later one, polled every
 * millisecond), with the default debounce and without; then a steady stream of changes at a
 * fixed rate with keep-alive clients sending through Nginx, counting reloads, and Nginx's
 * worker processes and memory right after the stream and once worker_shutdown_timeout passed.
 */
final class NginxBench {
    static final int BASE_PORT = 30_000;
    static final int SERVICE_PORT = 30_550;
    static final int VERSION_PORT = 30_599;
    static final int SERVERS = 20;

    record Row(String what, String value) {}

    private NginxBench() {}

    static List<Row> run(PrintWriter out, Path directory, int changes, int rate, int seconds) throws Exception {
        HttpServer backend = HaproxyBench.startOkBackend(256);
        List<Row> rows = new ArrayList<>();
        try (ProcessCluster cluster = new ProcessCluster(3, BASE_PORT, directory.resolve("cluster"));
             SignalboxClient client = cluster.client()) {
            ProcessCluster.await("a leader", Duration.ofSeconds(60), () -> cluster.leader() != 0);
            List<Command> setup = new ArrayList<>();
            setup.add(new Command.PutService("bench", "http", SERVICE_PORT, "roundrobin", null, 2_000, 30_000, 30_000, null));
            for (int i = 0; i < SERVERS; i++) {
                setup.add(new Command.RegisterServer("bench", "s" + i, "127.0.0.1", backend.getAddress().getPort(), 1, "ready", false,
                        Map.of(), 0, null));
            }
            client.submit(new Command.Multi(setup));
            for (long debounceMs : new long[] {200, 0}) {
                Path agentDir = directory.resolve("agent-" + debounceMs);
                NginxDriver driver = new NginxDriver(NginxDriver.Settings.managedIn(agentDir, VERSION_PORT, "127.0.0.1"));
                try (SignalboxClient agentClient = cluster.client(); AgentStateDir state = AgentStateDir.open(agentDir);
                     SyncAgent agent = SyncAgent.start(agentClient, driver, state,
                             SyncOptions.defaults("bench-nginx").withDebounce(debounceMs, Math.max(1_000, debounceMs)))) {
                    long loaded = client.lastSeenZxid();
                    ProcessCluster.await("the agent's first reload", Duration.ofSeconds(30), () -> agent.appliedZxid() >= loaded);
                    rows.add(latency(out, client, agent, driver, changes, debounceMs));
                    if (debounceMs == 200) {
                        rows.addAll(stream(out, client, agent, driver, rate, seconds));
                    }
                }
            }
        } finally {
            backend.stop(0);
        }
        return rows;
    }

    private static Row latency(PrintWriter out, SignalboxClient client, SyncAgent agent, NginxDriver driver, int changes, long debounceMs)
            throws InterruptedException {
        long[] nanos = new long[changes];
        long reloads = agent.reloads();
        for (int i = 0; i < changes; i++) {
            long zxid = client.submit(new Command.SetWeight("bench", "s" + i % SERVERS, 1 + (i / SERVERS) % 100 + 1, null)).getZxid();
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
        String value = String.format(java.util.Locale.ROOT, "%d changes one at a time: p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d reloads",
                changes, StorageBenchmark.percentileMs(nanos, 0.5), StorageBenchmark.percentileMs(nanos, 0.99), nanos[changes - 1] / 1e6,
                agent.reloads() - reloads);
        out.println("acknowledged -> served, debounce " + debounceMs + " ms: " + value);
        out.flush();
        return new Row("latency, debounce " + debounceMs + " ms", value);
    }

    private static List<Row> stream(PrintWriter out, SignalboxClient client, SyncAgent agent, NginxDriver driver, int rate, int seconds)
            throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong requests = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            Thread thread = new Thread(() -> keepAliveClient(running, requests, failures), "nginx-bench-client-" + c);
            thread.start();
            clients.add(thread);
        }
        long reloads = agent.reloads();
        int total = rate * seconds;
        long periodNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            client.submitAsync(new Command.SetWeight("bench", "s" + i % SERVERS, 1 + i % 100, null));
        }
        long last = client.submit(new Command.SetWeight("bench", "s0", 7, null)).getZxid();
        ProcessCluster.await("Nginx serves the end of the stream", Duration.ofSeconds(30), () -> servedZxid(driver) >= last);
        long streamReloads = agent.reloads() - reloads;
        long[] after = driver.workersAndRssKib();
        Thread.sleep(12_000); // worker_shutdown_timeout is 10 s
        long[] settled = driver.workersAndRssKib();
        running.set(false);
        for (Thread thread : clients) {
            thread.join(10_000);
        }
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("stream", String.format(java.util.Locale.ROOT, "%d changes at %d/s: %d reloads (%.1f per 1,000 changes); "
                + "%d requests through Nginx by 4 keep-alive clients meanwhile, %d failed", total + 1, rate, streamReloads,
                streamReloads * 1000.0 / (total + 1), requests.get(), failures.get())));
        rows.add(new Row("workers after the stream", after[0] + " worker processes, " + after[1] / 1024 + " MiB resident"));
        rows.add(new Row("workers 12 s later", settled[0] + " worker processes, " + settled[1] / 1024 + " MiB resident"));
        rows.forEach(r -> out.println(r.what() + ": " + r.value()));
        out.flush();
        return rows;
    }

    private static void keepAliveClient(AtomicBoolean running, AtomicLong requests, AtomicLong failures) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + SERVICE_PORT + "/")).timeout(Duration.ofSeconds(5)).build();
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

    /** The zxid Nginx's version location serves ("epoch:counter"), or -1. */
    static long servedZxid(NginxDriver driver) {
        String version = driver.servedVersion();
        String[] parts = version == null ? new String[0] : version.split(":");
        if (parts.length != 2) {
            return -1;
        }
        try {
            return io.signalbox.consensus.Zxid.of(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
