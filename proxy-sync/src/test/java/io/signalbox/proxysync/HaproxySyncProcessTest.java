package io.signalbox.proxysync;

import static io.signalbox.proxysync.SyncTestSupport.LIMIT;
import static io.signalbox.proxysync.SyncTestSupport.awaitOnly;
import static io.signalbox.proxysync.SyncTestSupport.awaitServed;
import static io.signalbox.proxysync.SyncTestSupport.server;
import static io.signalbox.proxysync.SyncTestSupport.service;
import static io.signalbox.proxysync.SyncTestSupport.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.ProxyStatus;
import io.signalbox.state.Command;
import io.signalbox.state.Configuration;
import io.signalbox.testkit.HttpBackends;
import io.signalbox.testkit.ProcessCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with real processes: a 3-node cluster, sync agents that each run their own
 * HAProxy 2.6 on 127.0.0.1, and real HTTP backends; every assertion about traffic goes
 * through real HTTP requests via HAProxy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HaproxySyncProcessTest {
    private Path directory;
    private ProcessCluster cluster;
    private SignalboxClient client;
    private HttpBackends backends;
    private SyncTestCluster fixture;
    private int fences;

    @BeforeAll
    void startCluster(@TempDir Path temporary) throws Exception {
        directory = temporary;
        assertTrue(Files.isExecutable(Path.of("/usr/sbin/haproxy")),
                "haproxy is not installed: apt-get install haproxy (.ci/run installs it)");
        fixture = SyncTestCluster.start(directory, 29_000);
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

    private Optional<ProxyStatus> report(String agentId) {
        return SyncTestSupport.report(client, agentId);
    }

    /** The agent reports the cluster's latest zxid, and HAProxy runs exactly the cluster's servers of {@code service}. */
    private void awaitConverged(SyncAgentProcess agent, String agentId, String service) throws InterruptedException {
        SyncTestSupport.awaitReported(client, agentId);
        Configuration wanted = client.read(Consistency.LINEARIZABLE, service).configuration();
        List<String> expected = new ArrayList<>();
        wanted.servers().getOrDefault(service, List.of()).forEach(s -> expected.add(s.name() + " " + s.address() + ":" + s.port() + " "
                + s.weight() + " " + s.state().name()));
        expected.sort(null);
        ProcessCluster.await("HAProxy runs exactly " + expected, LIMIT, () -> agent.servers(service).equals(expected));
        // HAProxy can match before the agent reports the pass that got it there: a deregistered
        // server is deleted drainGraceMs after the report of its zxid. A change outside the
        // agent's services makes it pass and report once more, after that pass, so the report
        // read next counts every command sent so far.
        fences++;
        client.submit(service("fence", 29_599, fences % 2 == 0 ? "roundrobin" : "leastconn"));
        SyncTestSupport.awaitReported(client, agentId);
    }

    @Test
    void serverChangesReachTrafficWithoutReloadsAndDriftIsRepaired() throws Exception {
        int port = 29_501;
        int a = backends.start("a");
        int b = backends.start("b");
        client.submit(service("web", port, "roundrobin"));
        try (SyncAgentProcess agent = SyncAgentProcess.haproxy(directory.resolve("agent-web"), cluster.addresses(),
                "--services", "web", "--agent-id", "e2e-web").start()) {
            client.submit(server("web", "a", a, 1, 0));
            awaitServed(port, "a");
            awaitConverged(agent, "e2e-web", "web");
            long reloadsBefore = report("e2e-web").orElseThrow().report().reloads();

            client.submit(server("web", "b", b, 3, 0));
            awaitServed(port, "b");
            Map<String, Integer> spread = HttpBackends.spread(port, 400);
            double ratio = spread.getOrDefault("b", 0) / (double) Math.max(1, spread.getOrDefault("a", 0));
            assertTrue(ratio > 2.4 && ratio < 3.6, "weights 1:3 give about 1:3 of requests: " + spread);

            client.submit(state("web", "b", "drain"));
            awaitOnly(port, 30, "a");
            client.submit(state("web", "a", "maint"));
            client.submit(state("web", "b", "ready"));
            awaitOnly(port, 30, "b");
            client.submit(new Command.DeregisterServer("web", "b", null));
            client.submit(state("web", "a", "ready"));
            awaitOnly(port, 30, "a");
            ProcessCluster.await("b deleted from HAProxy after the drain grace period", LIMIT,
                    () -> agent.servers("web").stream().noneMatch(s -> s.startsWith("b ")));
            assertEquals(reloadsBefore, report("e2e-web").orElseThrow().report().reloads(), "server changes never reload");

            // An ephemeral server: its owner dies without closing its session.
            int c = backends.start("c");
            SignalboxClient owner = cluster.client();
            long session = owner.openSession(1_000).id();
            owner.submit(server("web", "c", c, 1, session));
            ProcessCluster.await("c serves", LIMIT, () -> HttpBackends.spread(port, 10).containsKey("c"));
            owner.close();
            backends.stop("c");
            awaitOnly(port, 20, "a");

            // A hand edit through the admin socket is put back.
            agent.runtime().setWeight("web", "a", 77);
            ProcessCluster.await("the hand edit is repaired", LIMIT, () -> agent.servers("web").equals(List.of("a 127.0.0.1:" + a + " 1 READY")));
            assertTrue(agent.log().contains("drift in be_web/a: HAProxy runs 127.0.0.1:" + a + " weight 77"), agent.log());
            // The repair is in the agent's next report (every 300 ms), which may come after HAProxy is put back.
            ProcessCluster.await("the agent reports the repair", LIMIT, () -> report("e2e-web").orElseThrow().report().repairs() >= 1);
            awaitConverged(agent, "e2e-web", "web");
            assertEquals(0, report("e2e-web").orElseThrow().lagEntries());

            // SIGTERM (systemctl restart) stops the agent and leaves HAProxy serving; the next agent adopts it.
            try (TrafficStream traffic = TrafficStream.start(port, "a", "d")) {
                assertEquals(0, agent.terminate(), "SIGTERM stops the agent cleanly");
                assertEquals("a", HttpBackends.get(port), "and leaves the HAProxy it managed serving");
                int d = backends.start("d");
                client.submit(server("web", "d", d, 1, 0));
                try (SyncAgentProcess next = SyncAgentProcess.haproxy(directory.resolve("agent-web"), cluster.addresses(),
                        "--services", "web", "--agent-id", "e2e-web", "--stop-proxy-on-exit", "true").start()) {
                    awaitConverged(next, "e2e-web", "web");
                    awaitOnly(port, 30, "a", "d");
                    assertTrue(next.log().contains("adopted"), next.log());
                    traffic.close();
                    assertTrue(traffic.sent() > 20, "the client kept sending across the restart: " + traffic.sent());
                    assertEquals(List.of(), traffic.failures(), "no failed request out of " + traffic.sent());
                    assertEquals(0, next.terminate(), "SIGTERM stops the agent cleanly");
                    assertTrue(HttpBackends.get(port).startsWith("failed"), "and, with stopProxyOnExit, the HAProxy it managed with it");
                }
            }
        }
    }

    @Test
    void aNewServiceArrivesByValidatedReloadWithoutAFailedRequest() throws Exception {
        int port = 29_511;
        int newPort = 29_512;
        int a = backends.start("r-a");
        client.submit(service("steady", port, "roundrobin"));
        client.submit(server("steady", "a", a, 1, 0));
        try (SyncAgentProcess agent = SyncAgentProcess.haproxy(directory.resolve("agent-reload"), cluster.addresses(),
                "--services", "steady,fresh", "--agent-id", "e2e-reload").start()) {
            awaitServed(port, "r-a");
            List<String> failures = new ArrayList<>();
            int[] sent = {0};
            Thread traffic = new Thread(() -> {
                long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!Thread.currentThread().isInterrupted() && System.nanoTime() < end && sent[0] < 20_000) {
                    String answer = HttpBackends.get(port);
                    synchronized (failures) {
                        sent[0]++;
                        if (!answer.equals("r-a")) {
                            failures.add(answer);
                        }
                    }
                }
            });
            traffic.start();
            awaitConverged(agent, "e2e-reload", "steady");
            long reloads = report("e2e-reload").orElseThrow().report().reloads();
            client.submit(service("fresh", newPort, "leastconn"));
            client.submit(server("fresh", "a", a, 1, 0));
            awaitServed(newPort, "r-a");
            // and a structural change to the service under traffic: its balance algorithm
            client.submit(service("steady", port, "leastconn"));
            ProcessCluster.await("two more reloads", LIMIT,
                    () -> report("e2e-reload").orElseThrow().report().reloads() >= reloads + 2);
            Thread.sleep(300); // traffic keeps flowing over the new workers a moment longer
            traffic.interrupt();
            traffic.join(10_000);
            synchronized (failures) {
                assertTrue(sent[0] > 50, "the client kept sending during the reloads: " + sent[0]);
                assertEquals(List.of(), failures, "no failed request out of " + sent[0]);
            }
            awaitConverged(agent, "e2e-reload", "fresh");

            // A reload that cannot work (the port is taken) is reported, and the old configuration keeps serving.
            try (java.net.ServerSocket taken = new java.net.ServerSocket(29_513, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                long committed = client.submit(service("fresh", 29_513, "leastconn")).zxid();
                ProcessCluster.await("the failure is reported", LIMIT, () -> report("e2e-reload").orElseThrow().report()
                        .failedZxid() >= committed);
                assertTrue(report("e2e-reload").orElseThrow().report().failure().contains("reload"),
                        report("e2e-reload").orElseThrow().report().failure());
                assertEquals("r-a", HttpBackends.get(newPort), "the previous configuration still serves");
                assertEquals("r-a", HttpBackends.get(port));
            }
            client.submit(service("fresh", newPort, "leastconn"));
            awaitConverged(agent, "e2e-reload", "fresh");
        }
    }

    @Test
    void anAgentKilledMidBurstOrALeaderKilledMidStreamEndsExactlyLikeTheCluster() throws Exception {
        int port = 29_521;
        int a = backends.start("k-a");
        client.submit(service("burst", port, "roundrobin"));
        SyncAgentProcess agent = SyncAgentProcess.haproxy(directory.resolve("agent-kill"), cluster.addresses(),
                "--services", "burst", "--agent-id", "e2e-kill").start();
        try {
            client.submit(server("burst", "s0", a, 1, 0));
            awaitServed(port, "k-a");
            Thread burst = new Thread(() -> {
                for (int i = 1; i <= 150; i++) {
                    client.submit(server("burst", "s" + (i % 40), a, 1 + i % 200, 0));
                    if (i % 7 == 0) {
                        client.submit(state("burst", "s" + (i % 40), i % 2 == 0 ? "drain" : "maint"));
                    }
                    if (i % 11 == 0) {
                        client.submit(new Command.DeregisterServer("burst", "s" + ((i + 39) % 40), null));
                    }
                }
            });
            burst.start();
            Thread.sleep(300);
            agent.kill9();
            Thread.sleep(300);
            agent = SyncAgentProcess.haproxy(directory.resolve("agent-kill"), cluster.addresses(), "--services", "burst",
                    "--agent-id", "e2e-kill").start();
            burst.join(60_000);
            awaitConverged(agent, "e2e-kill", "burst");
            assertTrue(agent.log().contains("adopted the HAProxy master"), "the restarted agent kept HAProxy running:\n" + agent.log());

            // The leader dies while changes stream: the agent resumes from another node.
            long commandsBefore = report("e2e-kill").orElseThrow().report().runtimeCommands();
            int leader = cluster.leader();
            Thread writes = new Thread(() -> {
                for (int i = 0; i < 60; i++) {
                    client.submit(new Command.SetWeight("burst", "s1", 1 + i, null));
                }
            });
            writes.start();
            Thread.sleep(100);
            cluster.kill9(leader);
            writes.join(60_000);
            ProcessCluster.await("a new leader", LIMIT, () -> cluster.leader() != 0);
            awaitConverged(agent, "e2e-kill", "burst");
            long commands = report("e2e-kill").orElseThrow().report().runtimeCommands() - commandsBefore;
            assertTrue(commands <= 60, "no change applied twice: " + commands + " commands for 60 weight changes");
            cluster.start(leader);
        } finally {
            agent.close();
        }
    }
}
