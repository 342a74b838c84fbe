package io.signalbox.proxysync;

import static io.signalbox.proxysync.SyncTestSupport.LIMIT;
import static io.signalbox.proxysync.SyncTestSupport.awaitOnly;
import static io.signalbox.proxysync.SyncTestSupport.awaitReported;
import static io.signalbox.proxysync.SyncTestSupport.awaitServed;
import static io.signalbox.proxysync.SyncTestSupport.latestReport;
import static io.signalbox.proxysync.SyncTestSupport.server;
import static io.signalbox.proxysync.SyncTestSupport.service;
import static io.signalbox.proxysync.SyncTestSupport.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.client.SignalboxClient;
import io.signalbox.state.Command;
import io.signalbox.testkit.FreePorts;
import io.signalbox.testkit.HttpBackends;
import io.signalbox.testkit.ProcessCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nginx's dynamic mode end to end: a 3-node cluster of real processes, agents as processes each
 * managing a real Nginx 1.22 with the real Lua module (libnginx-mod-http-lua), real HTTP
 * backends, every traffic assertion through real HTTP. Server changes must reach traffic with no
 * reload, and the agent must report a zxid only once every worker runs it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NginxDynamicProcessTest {
    private Path directory;
    private ProcessCluster cluster;
    private SignalboxClient client;
    private HttpBackends backends;
    private SyncTestCluster fixture;
    /** Ports for services, version and push locations: the cluster's block of 300 leaves base+10..base+99 free, below the ephemeral range. */
    private int nextPort;

    @BeforeAll
    void startCluster(@TempDir Path temporary) throws Exception {
        assertTrue(Files.exists(Path.of("/usr/share/nginx/modules/ngx_http_lua_module.so")),
                "the Lua module is not installed (apt-get install libnginx-mod-http-lua); .ci/run installs it, so CI always runs these tests");
        directory = temporary;
        int base = FreePorts.clusterBase(3);
        nextPort = base + 10;
        fixture = SyncTestCluster.start(directory, base);
        cluster = fixture.cluster;
        client = fixture.client;
        backends = fixture.backends;
    }

    @AfterAll
    void stopCluster() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private synchronized int port() {
        if (nextPort >= cluster.members.get(0).peerPort() + 98) {
            throw new IllegalStateException("the test used every port of base+10..base+99");
        }
        return nextPort++;
    }

    /** An agent whose push location listens on versionPort + 1 (both taken from {@link #port}). */
    private SyncAgentProcess agent(String name, String services, int versionPort) {
        return SyncAgentProcess.nginx(directory.resolve(name), cluster.addresses(), "--services", services, "--agent-id", name,
                "--version-port", String.valueOf(versionPort), "--push-port", String.valueOf(versionPort + 1), "--nginx-mode", "dynamic");
    }

    /** A version port, with the next port kept for the push location. */
    private synchronized int versionPort() {
        int version = port();
        port();
        return version;
    }

    @Test
    void serverChangesReachEveryWorkerWithoutAReload() throws Exception {
        int port = port();
        int versionPort = versionPort();
        int a = backends.start("da");
        int b = backends.start("db");
        client.submit(service("web", port, "roundrobin"));
        client.submit(server("web", "a", a, 1, 0));
        try (SyncAgentProcess agent = agent("dyn-web", "web", versionPort).start()) {
            awaitServed(port, "da");
            awaitReported(client, "dyn-web");
            long reloads = latestReport(client, "dyn-web").reloads();
            client.submit(server("web", "b", b, 3, 0));
            awaitServed(port, "db");
            Map<String, Integer> spread = HttpBackends.spread(port, 400);
            // smooth weighted round robin runs per worker (2 workers), so each ends its cycle of 4 somewhere: within 2 of exact
            assertTrue(Math.abs(spread.getOrDefault("da", 0) - 100) <= 4 && spread.getOrDefault("da", 0) + spread.getOrDefault("db", 0) == 400,
                    "weights 1:3 give 1:3 of 400 requests: " + spread);

            client.submit(state("web", "b", "drain"));
            awaitOnly(port, 20, "da");
            client.submit(state("web", "b", "ready"));
            client.submit(state("web", "a", "maint"));
            awaitOnly(port, 20, "db");
            client.submit(state("web", "a", "ready"));
            client.submit(new Command.SetWeight("web", "b", 0, null));
            awaitOnly(port, 20, "da");
            client.submit(new Command.SetWeight("web", "b", 1, null));
            awaitOnly(port, 20, "da", "db");

            // A backup serves only when no primary is up.
            int c = backends.start("dc");
            client.submit(new Command.RegisterServer("web", "c", "127.0.0.1", c, 1, "ready", true, Map.of(), 0, null));
            awaitReported(client, "dyn-web");
            Map<String, Integer> primaries = HttpBackends.spread(port, 40);
            assertEquals(java.util.Set.of("da", "db"), primaries.keySet(), "the backup is not used while primaries are up: " + primaries);
            client.submit(state("web", "a", "maint"));
            client.submit(state("web", "b", "maint"));
            awaitOnly(port, 20, "dc");
            client.submit(state("web", "a", "ready"));
            awaitOnly(port, 20, "da");
            // A primary that fails is passed over (retry to the next peer), then left alone for fail_timeout.
            client.submit(state("web", "b", "ready"));
            awaitOnly(port, 20, "da", "db");
            backends.stop("db");
            assertEquals(Map.of("da", 40), HttpBackends.spread(port, 40), "requests retried on the next peer, none failed");
            b = backends.start("db2");
            client.submit(server("web", "b", b, 1, 0));
            awaitOnly(port, 20, "da", "db2");

            assertEquals(reloads, latestReport(client, "dyn-web").reloads(), "no reload for server changes");
            assertTrue(latestReport(client, "dyn-web").runtimeCommands() > 0, "pushes count as runtime commands");
            String file = Files.readString(agent.stateDir.resolve("upstreams.conf"));
            assertTrue(file.contains("balancer_by_lua_block") && !file.contains("127.0.0.1:" + a), "no server in the file:\n" + file);

            workerKilledByKill9PicksUpTheCurrentLists(agent, port, versionPort);
            pushesOtherThanTheAgentsAreRefused(agent, port, versionPort);
        }
    }

    private void workerKilledByKill9PicksUpTheCurrentLists(SyncAgentProcess agent, int port, int versionPort) throws Exception {
        ProcessHandle master = masterOf(agent);
        List<ProcessHandle> workers = master.children().toList();
        assertEquals(2, workers.size(), "two workers: " + workers);
        workers.get(0).destroyForcibly();
        workers.get(0).onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        ProcessCluster.await("Nginx starts another worker", LIMIT, () -> master.children().count() == 2
                && master.children().noneMatch(w -> w.pid() == workers.get(0).pid()));
        long committed = client.submit(new Command.SetWeight("web", "a", 2, null)).zxid();
        ProcessCluster.await("every worker runs the change", LIMIT, () -> version(versionPort).startsWith(io.signalbox.common.Zxid.format(committed)));
        awaitReported(client, "dyn-web");
        Map<String, Integer> spread = HttpBackends.spread(port, 60);
        assertTrue(spread.keySet().equals(java.util.Set.of("da", "db2")) && Math.abs(spread.get("da") - 40) <= 4,
                "both workers balance with the current list, weights 2:1: " + spread);
    }

    private void pushesOtherThanTheAgentsAreRefused(SyncAgentProcess agent, int port, int versionPort) throws Exception {
        int pushPort = versionPort + 1;
        String token = Files.readString(agent.stateDir.resolve("nginx-push-token")).strip();
        String hostile = "version 9:1\nservices web\nlist web\nbalance roundrobin\nmax_fails 1\nfail_timeout_ms 1000\n"
                + "server 127.0.0.1;} 80 1 primary up\nend\n";
        HttpResponse<String> noToken = post(pushPort, "", hostile);
        assertEquals(403, noToken.statusCode(), noToken.body());
        HttpResponse<String> injected = post(pushPort, token, hostile);
        assertEquals(400, injected.statusCode(), injected.body());
        assertTrue(injected.body().contains("address \"127.0.0.1;}\" is not an IPv4 or IPv6 literal"), injected.body());
        HttpResponse<String> older = post(pushPort, token, "version 0:1\nservices web\n");
        assertEquals(409, older.statusCode(), older.body());
        assertTrue(older.body().contains("is older than the committed"), older.body());
        String tooMany = "version 9:1\nservices web\nlist web\nbalance roundrobin\nmax_fails 1\nfail_timeout_ms 1000\n"
                + "server 127.0.0.1 80 1 primary up\n".repeat(4097) + "end\n";
        HttpResponse<String> big = post(pushPort, token, tooMany);
        assertEquals(400, big.statusCode(), big.body());
        assertTrue(big.body().contains("more than 4096 servers"), big.body());
        awaitOnly(port, 20, "da", "db2");
    }

    private static HttpResponse<String> post(int port, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/__signalbox/apply"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!token.isEmpty()) {
            request.header("X-Signalbox-Token", token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String version(int versionPort) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + versionPort + "/__signalbox/version"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static ProcessHandle masterOf(SyncAgentProcess agent) {
        return PidFiles.running(agent.stateDir.resolve("nginx.pid"), "nginx").orElseThrow();
    }

    @Test
    void aWorkerLeftBehindIsReportedAndRepairedByAValidatedReload() throws Exception {
        int port = port();
        int versionPort = versionPort();
        int a = backends.start("wa");
        int b = backends.start("wb");
        client.submit(service("behind", port, "roundrobin"));
        client.submit(server("behind", "a", a, 1, 0));
        try (SyncAgentProcess agent = agent("dyn-behind", "behind", versionPort).start()) {
            awaitServed(port, "wa");
            awaitReported(client, "dyn-behind");
            long reloads = latestReport(client, "dyn-behind").reloads();
            ProcessHandle stuck = masterOf(agent).children().findFirst().orElseThrow();
            signal("STOP", stuck.pid()); // the worker neither refreshes nor reports any more
            try {
                client.submit(server("behind", "b", b, 1, 0));
                client.submit(new Command.DeregisterServer("behind", "a", null));
                awaitReported(client, "dyn-behind");
                assertEquals(reloads + 1, latestReport(client, "dyn-behind").reloads(), "one fallback reload");
                assertTrue(agent.log().contains("not every Nginx worker runs zxid"), agent.log());
                assertTrue(agent.log().contains("reloading Nginx and pushing every list again"), agent.log());
                assertTrue(version(versionPort).lines().skip(1).noneMatch(l -> l.endsWith("none")), version(versionPort));
            } finally {
                signal("CONT", stuck.pid()); // the old worker, told to quit by the reload, can now exit
            }
            awaitOnly(port, 10, "wb");
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ")";
        }
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).start().waitFor(), "kill -" + name + " " + pid);
    }

    @Test
    void aBurstOf1000ChangesCostsNoReloadAndFailsNoRequest() throws Exception {
        int port = port();
        int versionPort = versionPort();
        int a = backends.start("ba");
        int b = backends.start("bb");
        client.submit(service("burst", port, "leastconn"));
        client.submit(server("burst", "keep", a, 1, 0));
        try (SyncAgentProcess agent = agent("dyn-burst", "burst,later", versionPort).start()) {
            awaitServed(port, "ba");
            awaitReported(client, "dyn-burst");
            long reloads = latestReport(client, "dyn-burst").reloads();
            TrafficStream traffic = TrafficStream.start(port, "ba", "bb");
            List<CompletableFuture<?>> pending = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                Command change = i % 3 == 0 ? server("burst", "s" + i % 20, i % 2 == 0 ? a : b, 1 + i % 50, 0)
                        : i % 3 == 1 ? new Command.SetWeight("burst", "keep", 1 + i % 100, null)
                        : state("burst", "s" + (i - 2) % 20, i % 4 == 0 ? "drain" : "ready");
                pending.add(client.submitAsync(change).exceptionally(e -> null)); // a state change for a server not there yet is refused
                if (pending.size() >= 32) {
                    pending.remove(0).join();
                }
            }
            pending.forEach(CompletableFuture::join);
            awaitReported(client, "dyn-burst");
            traffic.close();
            assertTrue(traffic.sent() > 50, "the client kept sending during the burst: " + traffic.sent());
            assertEquals(List.of(), traffic.failures(), "no failed request out of " + traffic.sent());
            assertEquals(reloads, latestReport(client, "dyn-burst").reloads(), "1,000 server changes, no reload");

            // A new service is a reload; its list is pushed after it, before the agent reports.
            int later = port();
            client.submit(service("later", later, "random"));
            client.submit(server("later", "x", b, 1, 0));
            awaitReported(client, "dyn-burst");
            assertEquals("bb", HttpBackends.get(later), "served as soon as the agent reports it");
            assertEquals(reloads + 1, latestReport(client, "dyn-burst").reloads());
        }
    }

    @Test
    void agentRestartsBySigtermAndKill9FailNoRequestAndConverge() throws Exception {
        int port = port();
        int versionPort = versionPort();
        int a = backends.start("ra");
        int b = backends.start("rb");
        client.submit(service("kept", port, "roundrobin"));
        client.submit(server("kept", "a", a, 1, 0));
        SyncAgentProcess agent = agent("dyn-restart", "kept", versionPort).start();
        awaitServed(port, "ra");
        awaitReported(client, "dyn-restart");
        // No agent, and Nginx itself restarted (a reboot, say): it starts from the lists last pushed.
        assertEquals(0, agent.terminate(), "SIGTERM stops the agent cleanly");
        ProcessHandle master = masterOf(agent);
        master.destroy();
        master.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        Path dir = agent.stateDir;
        Process started = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(), "-e",
                dir.resolve("error.log").toString()).redirectErrorStream(true).start();
        assertEquals(0, started.waitFor(), new String(started.getInputStream().readAllBytes()));
        ProcessCluster.await("the new Nginx answers", LIMIT, () -> !HttpBackends.get(port).startsWith("failed"));
        assertEquals(Map.of("ra", 10), HttpBackends.spread(port, 10), "a fresh Nginx serves the saved lists with no agent running");
        agent = agent("dyn-restart", "kept", versionPort).start().awaitStarted();
        awaitReported(client, "dyn-restart");
        try (TrafficStream traffic = TrafficStream.start(port, "ra", "rb")) {
            assertEquals(0, agent.terminate(), "SIGTERM stops the agent cleanly");
            assertEquals("ra", HttpBackends.get(port), "and leaves its Nginx serving");
            client.submit(server("kept", "b", b, 1, 0));
            client.submit(new Command.DeregisterServer("kept", "a", null));
            agent = agent("dyn-restart", "kept", versionPort).start();
            awaitReported(client, "dyn-restart");
            awaitOnly(port, 10, "rb");
            assertTrue(agent.log().contains("adopted the Nginx master"), agent.log());

            Thread burst = new Thread(() -> {
                for (int i = 1; i <= 100; i++) {
                    client.submit(new Command.SetWeight("kept", "b", 1 + i % 7, null));
                }
                client.submit(server("kept", "a", a, 1, 0));
            });
            burst.start();
            Thread.sleep(300);
            agent.kill9();
            agent = agent("dyn-restart", "kept", versionPort).start();
            burst.join(60_000);
            awaitReported(client, "dyn-restart");
            awaitOnly(port, 20, "ra", "rb");
            traffic.close();
            assertTrue(traffic.sent() > 50, "the client kept sending across the restarts: " + traffic.sent());
            assertEquals(List.of(), traffic.failures(), "no failed request out of " + traffic.sent());
        } finally {
            agent.close();
        }
    }

    @Test
    void anNginxItsOwnerRunsIsDrivenThroughTheIncludedFile() throws Exception {
        int port = port();
        int versionPort = versionPort();
        int a = backends.start("oa");
        int b = backends.start("ob");
        client.submit(service("own", port + 1_000, "roundrobin")); // the owner's server block listens; the service's port is unused
        client.submit(server("own", "a", a, 1, 0));
        Path nginxDir = directory.resolve("own-nginx");
        Files.createDirectories(nginxDir.resolve("tmp"));
        Path include = nginxDir.resolve("signalbox.conf");
        // What an owner starts with before the first agent: the upstream its own server block names.
        Files.writeString(include, "upstream sb_own { server 127.0.0.1:1 down; }\n");
        Files.writeString(nginxDir.resolve("nginx.conf"), "load_module " + io.signalbox.proxysync.nginx.NginxMode.NDK_MODULE + ";\n"
                + "load_module " + io.signalbox.proxysync.nginx.NginxMode.LUA_MODULE + ";\nworker_processes 2;\npid " + nginxDir.resolve("nginx.pid")
                + ";\nerror_log " + nginxDir.resolve("error.log") + " notice;\nevents { worker_connections 256; }\nhttp {\n access_log off;\n"
                + " client_body_temp_path " + nginxDir.resolve("tmp") + ";\n proxy_temp_path " + nginxDir.resolve("tmp") + ";\n include "
                + include + ";\n server {\n  listen 127.0.0.1:" + port + ";\n  location / { proxy_pass http://sb_own; proxy_next_upstream_tries 3; }\n"
                + " }\n}\n");
        Process started = new ProcessBuilder("nginx", "-p", nginxDir.toString(), "-c", nginxDir.resolve("nginx.conf").toString(), "-e",
                nginxDir.resolve("error.log").toString()).redirectErrorStream(true).start();
        assertEquals(0, started.waitFor(), new String(started.getInputStream().readAllBytes()));
        ProcessHandle master = PidFiles.running(nginxDir.resolve("nginx.pid"), "nginx").orElseThrow();
        try (SyncAgentProcess agent = SyncAgentProcess.nginx(directory.resolve("dyn-own"), cluster.addresses(), "--manage", "false",
                "--services", "own", "--agent-id", "dyn-own", "--nginx-mode", "dynamic", "--upstreams-file", include.toString(),
                "--nginx-conf", nginxDir.resolve("nginx.conf").toString(), "--nginx-prefix", nginxDir.toString(),
                "--version-port", String.valueOf(versionPort), "--push-port", String.valueOf(versionPort + 1)).start()) {
            awaitServed(port, "oa");
            awaitReported(client, "dyn-own");
            long reloads = latestReport(client, "dyn-own").reloads();
            client.submit(server("own", "b", b, 1, 0));
            client.submit(new Command.DeregisterServer("own", "a", null));
            awaitReported(client, "dyn-own");
            awaitOnly(port, 10, "ob");
            assertEquals(reloads, latestReport(client, "dyn-own").reloads(), "server changes without a reload of the owner's Nginx");
            assertTrue(Files.readString(include).contains("balancer_by_lua_block"), Files.readString(include));
            assertEquals(0, agent.terminate());
            String answer = HttpBackends.get(port);
            assertEquals("ob", answer, () -> "the owner's Nginx is the owner's: it keeps serving\n" + tail(nginxDir.resolve("error.log"))
                    + "\n" + tail(agent.stateDir.resolve("agent.log")));
        } finally {
            master.destroy();
            master.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void aTcpServiceIsServedThroughTheStreamModule() throws Exception {
        int port = port();
        int versionPort = versionPort();
        int a = backends.start("ta");
        int b = backends.start("tb");
        client.submit(new Command.PutService("tcp", "tcp", port, "roundrobin", null, 2_000, 30_000, 30_000, null));
        client.submit(server("tcp", "a", a, 1, 0));
        try (SyncAgentProcess agent = agent("dyn-tcp", "tcp", versionPort).start()) {
            awaitServed(port, "ta"); // HTTP through Nginx's stream proxy: bytes in, bytes out
            long reloads = latestReport(client, "dyn-tcp").reloads();
            client.submit(server("tcp", "b", b, 1, 0));
            client.submit(new Command.DeregisterServer("tcp", "a", null));
            awaitOnly(port, 10, "tb");
            assertTrue(latestReport(client, "dyn-tcp").reloads() > reloads, "TCP servers change by reload (no Lua for stream in Debian 12)");
            assertTrue(Files.readString(agent.stateDir.resolve("stream.conf")).contains("127.0.0.1:" + b));
        }
    }

    @Test
    void aTakenPushPortStopsTheAgentWithAMessageNamingIt() throws Exception {
        int versionPort = versionPort();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(versionPort + 1, 1, java.net.InetAddress.getLoopbackAddress());
             SyncAgentProcess agent = agent("dyn-taken", "web", versionPort).start()) {
            assertTrue(agent.awaitExit() != 0, "an agent whose Nginx cannot bind exits with an error");
            String log = agent.log();
            assertTrue(log.contains("cannot start: Nginx did not start serving")
                    && log.contains("bind() to 127.0.0.1:" + (versionPort + 1) + " failed (98: Address already in use)"), log);
        }
    }
}
