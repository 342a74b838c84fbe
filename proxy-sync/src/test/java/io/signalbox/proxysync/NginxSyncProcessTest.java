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
import io.signalbox.testkit.HttpBackends;
import io.signalbox.testkit.ProcessCluster;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with real processes: a 3-node cluster, sync agents that each run their own Nginx
 * 1.22 on 127.0.0.1, real HTTP backends, and every traffic assertion through real HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NginxSyncProcessTest {
    private Path directory;
    private ProcessCluster cluster;
    private SignalboxClient client;
    private HttpBackends backends;
    private SyncTestCluster fixture;

    @BeforeAll
    void startCluster(@TempDir Path temporary) throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/sbin/nginx")),
                "nginx is not installed (apt-get install nginx); .ci/run installs it, so CI always runs these tests");
        directory = temporary;
        fixture = SyncTestCluster.start(directory, 29_700);
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

    @Test
    void membershipChangesReachTrafficThroughConfirmedReloads() throws Exception {
        int port = 29_951;
        int a = backends.start("na");
        int b = backends.start("nb");
        client.submit(service("web", port, "roundrobin"));
        client.submit(server("web", "a", a, 1, 0));
        try (SyncAgentProcess agent = SyncAgentProcess.nginx(directory.resolve("agent-web"), cluster.addresses(),
                "--services", "web", "--agent-id", "nginx-web", "--version-port", "29991", "--nginx-mode", "reload").start()) {
            awaitServed(port, "na");
            client.submit(server("web", "b", b, 3, 0));
            awaitServed(port, "nb");
            // The old workers (without b) accept a few more connections until they take in the reload; on a loaded machine, many.
            ProcessHandle master = PidFiles.running(agent.stateDir.resolve("nginx.pid"), "nginx").orElseThrow();
            ProcessCluster.await("the old workers exit", LIMIT, () -> master.children().count() == 2);
            Map<String, Integer> spread = HttpBackends.spread(port, 400);
            assertEquals(Map.of("na", 100, "nb", 300), spread, "Nginx's weighted round robin: exactly 1:3");

            client.submit(state("web", "b", "drain"));
            awaitOnly(port, 20, "na");
            client.submit(state("web", "b", "ready"));
            client.submit(state("web", "a", "maint"));
            awaitOnly(port, 20, "nb");
            client.submit(state("web", "a", "ready"));
            client.submit(new Command.DeregisterServer("web", "b", null));
            awaitOnly(port, 20, "na");
            client.submit(new Command.SetWeight("web", "a", 0, null));
            ProcessCluster.await("weight 0 is down: nothing left to serve", LIMIT, () -> HttpBackends.get(port).startsWith("status 50"));
            client.submit(new Command.SetWeight("web", "a", 2, null));
            awaitServed(port, "na");

            // An ephemeral server: its owner dies without closing its session.
            int c = backends.start("nc");
            SignalboxClient owner = cluster.client();
            long session = owner.openSession(1_000).id();
            owner.submit(server("web", "c", c, 1, session));
            ProcessCluster.await("c serves", LIMIT, () -> HttpBackends.spread(port, 10).containsKey("nc"));
            owner.close();
            backends.stop("nc");
            ProcessCluster.await("the session expires", LIMIT,
                    () -> client.read(io.signalbox.protocol.Consistency.LINEARIZABLE, "web").configuration().servers().get("web").size() == 1);
            awaitReported(client, "nginx-web");
            assertTrue(!Files.readString(agent.stateDir.resolve("upstreams.conf")).contains("# c"));
            awaitOnly(port, 20, "na");

            // A hand edit of the file the agent owns is put back.
            Path upstreams = agent.stateDir.resolve("upstreams.conf");
            Files.writeString(upstreams, Files.readString(upstreams).replace("weight=2", "weight=7"));
            try {
                ProcessCluster.await("the hand edit is repaired", LIMIT, () -> {
                    try {
                        return Files.readString(upstreams).contains("weight=2;") && agent.log().contains("drift in Nginx");
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
            } catch (IllegalStateException e) {
                throw new AssertionError(e.getMessage() + "\n" + Files.readString(upstreams) + "\n" + agent.log(), e);
            }
            ProcessCluster.await("the repair is reported", LIMIT, () -> latestReport(client, "nginx-web").repairs() >= 1);
            assertEquals(0, latestReport(client, "nginx-web").runtimeCommands(), "open source Nginx has no runtime API: reloads only");
            assertEquals(0, agent.terminate(), "SIGTERM stops the agent cleanly");
            assertEquals("na", HttpBackends.get(port), "and leaves the Nginx it managed serving, for the next agent to adopt");
            try (SyncAgentProcess next = SyncAgentProcess.nginx(directory.resolve("agent-web"), cluster.addresses(), "--services", "web",
                    "--agent-id", "nginx-web", "--version-port", "29991", "--nginx-mode", "reload", "--stop-proxy-on-exit", "true").start()) {
                next.awaitStarted();
                assertTrue(next.log().contains("adopted the Nginx master"), next.log());
                awaitReported(client, "nginx-web");
                assertEquals(0, next.terminate(), "SIGTERM stops the agent cleanly");
                assertTrue(HttpBackends.get(port).startsWith("failed"), "and, with stopProxyOnExit, the Nginx it managed with it");
            }
        }
    }

    @Test
    void aBurstOf500ChangesCostsAFewReloadsAndAFailedReloadIsRolledBack() throws Exception {
        int port = 29_961;
        int a = backends.start("burst-a");
        client.submit(service("burst", port, "leastconn"));
        client.submit(server("burst", "s0", a, 1, 0));
        try (SyncAgentProcess agent = SyncAgentProcess.nginx(directory.resolve("agent-burst"), cluster.addresses(),
                "--services", "burst,late", "--agent-id", "nginx-burst", "--version-port", "29992", "--nginx-mode", "reload").start()) {
            awaitServed(port, "burst-a");
            awaitReported(client, "nginx-burst");
            long reloadsBefore = latestReport(client, "nginx-burst").reloads();
            long burstStarted = System.nanoTime();
            java.util.List<java.util.concurrent.CompletableFuture<?>> pending = new java.util.ArrayList<>();
            for (int i = 0; i < 500; i++) {
                pending.add(client.submitAsync(server("burst", "s" + (i % 50), a, 1 + i % 100, 0)));
                if (pending.size() >= 32) {
                    pending.remove(0).join();
                }
            }
            pending.forEach(java.util.concurrent.CompletableFuture::join);
            long burstSeconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - burstStarted);
            awaitReported(client, "nginx-burst");
            long reloads = latestReport(client, "nginx-burst").reloads() - reloadsBefore;
            // one reload per maximum delay (1 s) while the burst lasts, and the last one after it: a loaded machine makes bursts longer
            assertTrue(reloads >= 1 && reloads <= Math.max(6, burstSeconds + 2),
                    "500 changes in " + burstSeconds + " s cost " + reloads + " reloads");
            String file = Files.readString(agent.stateDir.resolve("upstreams.conf"));
            assertEquals(50, file.lines().filter(l -> l.contains("# s")).count(), file);
            assertTrue(file.contains("server 127.0.0.1:" + a + " weight=100;  # s49"), file);

            // A reload that cannot take (its new port is in use) is reported; the previous files come back and Nginx keeps serving.
            try (ServerSocket taken = new ServerSocket(29_962, 1, InetAddress.getByName("127.0.0.1"))) {
                long committed = client.submit(service("late", taken.getLocalPort(), "roundrobin")).zxid();
                ProcessCluster.await("the failure is reported", LIMIT, () -> latestReport(client, "nginx-burst").failedZxid() >= committed);
                assertTrue(latestReport(client, "nginx-burst").failure().contains("bind()"), latestReport(client, "nginx-burst").failure());
                assertTrue(!Files.readString(agent.stateDir.resolve("upstreams.conf")).contains("sb_late"), "the previous file is back");
                assertEquals("burst-a", HttpBackends.get(port), "the previous configuration still serves");
            }
            ProcessCluster.await("applied once the port is free", LIMIT, () -> latestReport(client, "nginx-burst").failure().isEmpty());
            client.submit(server("late", "x", a, 1, 0));
            awaitServed(29_962, "burst-a");
        }
    }

    @Test
    void anAgentKilledMidBurstResumesAndNginxEndsLikeTheCluster() throws Exception {
        int port = 29_971;
        int a = backends.start("kill-a");
        int b = backends.start("kill-b");
        client.submit(service("kept", port, "roundrobin"));
        client.submit(server("kept", "a", a, 1, 0));
        SyncAgentProcess agent = SyncAgentProcess.nginx(directory.resolve("agent-kill"), cluster.addresses(),
                "--services", "kept", "--agent-id", "nginx-kill", "--version-port", "29993", "--nginx-mode", "reload").start();
        try {
            awaitServed(port, "kill-a");
            Thread burst = new Thread(() -> {
                for (int i = 1; i <= 100; i++) {
                    client.submit(server("kept", "t" + i, b, 1, 0));
                    client.submit(new Command.DeregisterServer("kept", "t" + i, null));
                }
                client.submit(server("kept", "b", b, 1, 0));
                client.submit(new Command.DeregisterServer("kept", "a", null));
            });
            burst.start();
            Thread.sleep(400);
            agent.kill9();
            agent = SyncAgentProcess.nginx(directory.resolve("agent-kill"), cluster.addresses(), "--services", "kept",
                    "--agent-id", "nginx-kill", "--version-port", "29993", "--nginx-mode", "reload").start();
            burst.join(60_000);
            awaitReported(client, "nginx-kill");
            awaitOnly(port, 20, "kill-b");
            assertTrue(agent.log().contains("adopted the Nginx master"), agent.log());
            String file = Files.readString(agent.stateDir.resolve("upstreams.conf"));
            assertEquals(1, file.lines().filter(l -> l.contains("server 127.0.0.1:")).count(), file);
        } finally {
            agent.close();
        }
    }
}
