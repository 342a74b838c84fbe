package io.signalbox.register;

import static io.signalbox.register.ProxiedCluster.HAPROXY_HOST;
import static io.signalbox.register.ProxiedCluster.LIMIT;
import static io.signalbox.register.ProxiedCluster.NGINX_HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.state.Command;
import io.signalbox.state.Server;
import io.signalbox.state.ServerState;
import io.signalbox.testkit.FreePorts;
import io.signalbox.testkit.ProcessCluster;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with real processes: a 3-node cluster, a HAProxy agent and an Nginx agent each
 * running its proxy, real HTTP backends, and sidecars as processes ({@link RegisterMain}, what
 * {@code signalbox register} and the systemd unit run). Every traffic assertion is real HTTP
 * through the proxies. The figures the tests measure are printed, never asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegisterProcessTest {
    private static final long INTERVAL_MS = 200;
    private static final int RISE = 2;
    private static final int FALL = 3;
    private ProxiedCluster world;

    @BeforeAll
    void start(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path directory) throws Exception {
        world = new ProxiedCluster(directory);
    }

    @AfterAll
    void stop() {
        if (world != null) {
            world.close();
        }
    }

    private static Map<String, String> registration(String label, String service, TestBackend backend, String... more) {
        Map<String, String> keys = new LinkedHashMap<>();
        String prefix = "registration." + label + ".";
        keys.put(prefix + "service", service);
        keys.put(prefix + "address", "127.0.0.1");
        keys.put(prefix + "port", String.valueOf(backend.port()));
        keys.put(prefix + "check", "http://127.0.0.1:" + backend.port() + "/healthz");
        for (int i = 0; i + 1 < more.length; i += 2) {
            keys.put(prefix + more[i], more[i + 1]);
        }
        return keys;
    }

    private static Map<String, String> timing(Map<String, String> keys) {
        keys.put("intervalMs", String.valueOf(INTERVAL_MS));
        keys.put("rise", String.valueOf(RISE));
        keys.put("fall", String.valueOf(FALL));
        return keys;
    }

    /** Milliseconds from {@code sinceNanos} until a batch of requests through {@code host} no longer (or again) reaches {@code name}. */
    private static long until(String host, int port, String name, boolean reached, long sinceNanos) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            long batchNanos = System.nanoTime();
            if (Traffic.spread(host, port, 12).containsKey(name) == reached) {
                return TimeUnit.NANOSECONDS.toMillis(batchNanos - sinceNanos);
            }
            Thread.sleep(5);
        }
        throw new AssertionError(name + (reached ? " never came back" : " never left") + " " + host + ":" + port + " within " + LIMIT);
    }

    private static String fetch(int port, String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
        int status = connection.getResponseCode();
        try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            return status + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aFailingCheckTakesTheServerOutOfBothProxiesAndARecoveryBringsItBack() throws Exception {
        int port = world.service("web");
        TestBackend w1 = world.backend("w1");
        TestBackend w2 = world.backend("w2");
        TestBackend w3 = world.backend("w3");
        world.client.submit(new Command.RegisterServer("web", "w2", "127.0.0.1", w2.port(), 1, "ready", false, Map.of(), 0, null));
        int statusPort = FreePorts.one();
        Map<String, String> config = timing(registration("w1", "web", w1));
        config.putAll(registration("w3", "web", w3, "check", "tcp", "onFailure", "remove"));
        config.put("statusAddress", "127.0.0.1:" + statusPort);
        ProcessUnderTest sidecar = world.sidecar(config);
        world.awaitServedBy(port, "w1", "w2", "w3");
        assertTrue(fetch(statusPort, "/health").startsWith("200 ok: session "), fetch(statusPort, "/health"));
        String metrics = fetch(statusPort, "/metrics");
        assertTrue(metrics.contains("signalbox_register_healthy{service=\"web\",name=\"w1\"} 1"), metrics);
        assertTrue(metrics.contains("signalbox_register_state{service=\"web\",name=\"w3\",state=\"ready\"} 1"), metrics);
        Server registered = world.server("web", "w1");
        assertTrue(registered.sessionId() != 0, "registered as ephemeral: " + registered);

        // w1's health endpoint fails: after FALL failures it is drained, and both proxies stop sending it requests.
        long failedAt = System.nanoTime();
        w1.healthy(false);
        long leftHaproxyMs = until(HAPROXY_HOST, port, "w1", false, failedAt);
        long leftNginxMs = until(NGINX_HOST, port, "w1", false, failedAt);
        ProcessCluster.await("w1 DRAIN in the cluster", LIMIT, () -> world.server("web", "w1").state() == ServerState.DRAIN);
        assertEquals(registered.sessionId(), world.server("web", "w1").sessionId(), "drained, still in its session");
        world.awaitServedBy(port, "w2", "w3");
        assertTrue(fetch(statusPort, "/metrics").contains("signalbox_register_state{service=\"web\",name=\"w1\",state=\"drain\"} 1"));

        // It recovers: after RISE passes it is READY again and served.
        long recoveredAt = System.nanoTime();
        w1.healthy(true);
        long backHaproxyMs = until(HAPROXY_HOST, port, "w1", true, recoveredAt);
        long backNginxMs = until(NGINX_HOST, port, "w1", true, recoveredAt);
        world.awaitServedBy(port, "w1", "w2", "w3");
        assertEquals(ServerState.READY, world.server("web", "w1").state());

        // w3 (tcp check, onFailure remove) stops listening: it is deregistered; it listens again: registered again.
        w3.stop();
        ProcessCluster.await("w3 deregistered", LIMIT, () -> world.server("web", "w3") == null);
        world.awaitServedBy(port, "w1", "w2");
        w3.start();
        world.awaitServedBy(port, "w1", "w2", "w3");

        String log = sidecar.log();
        for (String line : new String[] {"web/w1: check failed (HTTP 503", "in a row: unhealthy", "web/w1: registered DRAIN in session",
                "web/w1: check passed (HTTP 200", "in a row: healthy", "web/w3: deregistered in session", "web/w3: registered READY"}) {
            assertTrue(log.contains(line), "the sidecar's log has \"" + line + "\":\n" + log);
        }
        System.out.printf("figure: a failing health endpoint (fall %d x interval %d ms = %d ms) to the server out of HAProxy %d ms, "
                        + "Nginx %d ms; recovered (rise %d x %d ms = %d ms) to back in HAProxy %d ms, Nginx %d ms%n", FALL, INTERVAL_MS,
                FALL * INTERVAL_MS, leftHaproxyMs, leftNginxMs, RISE, INTERVAL_MS, RISE * INTERVAL_MS, backHaproxyMs, backNginxMs);
        assertEquals(0, sidecar.terminate(30), world.logs());
        assertNull(world.server("web", "w1"), "deregistered on SIGTERM");
        assertNull(world.server("web", "w3"));
        assertNotNull(world.server("web", "w2"), "the permanent server is not the sidecar's");
    }

    /** Waits until the stream has sent {@code more} requests beyond what it had sent: traffic flowed meanwhile. */
    private static void awaitRequests(Traffic.Stream stream, long more) throws InterruptedException {
        long target = stream.sent() + more;
        ProcessCluster.await(more + " more requests through the proxy", LIMIT, () -> stream.sent() >= target);
    }

    @Test
    void sigtermDrainsWaitsForEveryProxyThenDeregistersWithoutAFailedRequest() throws Exception {
        int port = world.service("deploy");
        TestBackend d1 = world.backend("d1");
        TestBackend d2 = world.backend("d2");
        world.client.submit(new Command.RegisterServer("deploy", "d2", "127.0.0.1", d2.port(), 1, "ready", false, Map.of(), 0, null));
        Map<String, String> config = timing(registration("d1", "deploy", d1));
        ProcessUnderTest sidecar = world.sidecar(config);
        world.awaitServedBy(port, "d1", "d2");
        long sigtermToExitMs;
        try (Traffic.Stream haproxy = new Traffic.Stream(HAPROXY_HOST, port, 2);
             Traffic.Stream nginx = new Traffic.Stream(NGINX_HOST, port, 1)) {
            awaitRequests(haproxy, 200);
            // The deploy sequence: drain (SIGTERM to the sidecar, which waits for the proxies), stop, start, ready.
            long sigtermNanos = System.nanoTime();
            int exit = sidecar.terminate(60);
            sigtermToExitMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigtermNanos);
            assertEquals(0, exit, world.logs());
            assertNull(world.server("deploy", "d1"), "deregistered before the sidecar exited");
            d1.stop();
            awaitRequests(haproxy, 200);
            d1.start();
            ProcessUnderTest next = world.sidecar(config);
            world.awaitServedBy(port, "d1", "d2");
            awaitRequests(haproxy, 200);
            haproxy.stop();
            nginx.stop();
            String log = sidecar.log();
            assertTrue(log.matches("(?s).*every proxy applied zxid \\d+:\\d+ after \\d+ ms: haproxy-e2e \\d+:\\d+, nginx-e2e \\d+:\\d+.*"),
                    "the sidecar waited for both proxies before it deregistered:\n" + log);
            assertEquals(java.util.List.of(), haproxy.failures(), "no request through HAProxy failed during the deploy, of " + haproxy.sent());
            System.out.printf("figure: deploy of one of two backends under a steady stream: SIGTERM to sidecar exit %d ms (%s); "
                            + "requests through HAProxy %d, failed %d; through Nginx %d, failed %d%n", sigtermToExitMs,
                    log.lines().filter(l -> l.contains("every proxy applied")).findFirst().orElse("").replaceAll(".*every proxy", "every proxy"),
                    haproxy.sent(), haproxy.failures().size(), nginx.sent(), nginx.failures().size());
            assertEquals(0, next.terminate(30));
        }
    }

    @Test
    void kill9OfTheSidecarTakesTheServerOutAfterTheSessionTimeoutAndARestartWaitsForTheOldSession() throws Exception {
        int sessionTimeoutMs = 3_000;
        int port = world.service("crash");
        TestBackend c1 = world.backend("c1");
        TestBackend c2 = world.backend("c2");
        world.client.submit(new Command.RegisterServer("crash", "c2", "127.0.0.1", c2.port(), 1, "ready", false, Map.of(), 0, null));
        Map<String, String> config = timing(registration("c1", "crash", c1));
        config.put("sessionTimeoutMs", String.valueOf(sessionTimeoutMs));
        ProcessUnderTest first = world.sidecar(config);
        world.awaitServedBy(port, "c1", "c2");

        long killedNanos = System.nanoTime();
        first.kill9();
        long outMs = until(HAPROXY_HOST, port, "c1", false, killedNanos);
        ProcessCluster.await("c1 gone with its session", LIMIT, () -> world.server("crash", "c1") == null);
        world.awaitServedBy(port, "c2");
        System.out.printf("figure: kill -9 of the sidecar to the server out of HAProxy %d ms (session timeout %d ms)%n", outMs, sessionTimeoutMs);

        // Killed and restarted at once: the old session still owns c1, so the new sidecar is refused, naming it, until it expires.
        // A session that outlives a JVM start on a loaded machine (a 3 s one expired before the next sidecar asked, in CI).
        config.put("sessionTimeoutMs", "10000");
        ProcessUnderTest second = world.sidecar(config);
        ProcessCluster.await("c1 registered again", LIMIT, () -> world.server("crash", "c1") != null);
        long oldSession = world.server("crash", "c1").sessionId();
        second.kill9();
        ProcessUnderTest third = world.sidecar(config);
        ProcessCluster.await("c1 registered by the third sidecar", LIMIT, () -> {
            Server now = world.server("crash", "c1");
            return now != null && now.sessionId() != oldSession;
        });
        world.awaitServedBy(port, "c1", "c2");
        String log = third.log();
        assertTrue(log.contains("server crash/c1 is already registered by live session " + oldSession),
                "the refusal names the owner session " + oldSession + ":\n" + log);
        assertEquals(0, third.terminate(30));
    }

    @Test
    void theSessionAndItsServerSurviveTheKillOfTheLeaderTwice() throws Exception {
        int port = world.service("steady");
        TestBackend s1 = world.backend("s1");
        int statusPort = FreePorts.one();
        Map<String, String> config = timing(registration("s1", "steady", s1));
        config.put("sessionTimeoutMs", "4000");
        config.put("statusAddress", "127.0.0.1:" + statusPort);
        ProcessUnderTest sidecar = world.sidecar(config);
        world.awaitServedBy(port, "s1");
        long session = world.server("steady", "s1").sessionId();
        try (Traffic.Stream haproxy = new Traffic.Stream(HAPROXY_HOST, port, 1)) {
            for (int round = 1; round <= 2; round++) {
                int leader = world.cluster.awaitLeader(LIMIT);
                world.cluster.kill9(leader);
                int next = world.cluster.awaitLeader(LIMIT);
                awaitRequests(haproxy, 100);
                world.cluster.start(leader);
                ProcessCluster.await("node " + leader + " back", LIMIT, () -> world.cluster.self(leader) != null);
                assertTrue(next != leader);
                Server now = world.server("steady", "s1");
                assertNotNull(now, "s1 still registered after the kill of leader " + leader + " (round " + round + ")");
                assertEquals(session, now.sessionId(), "in the same session: it never expired");
            }
            awaitRequests(haproxy, 100);
            haproxy.stop();
            assertEquals(java.util.List.of(), haproxy.failures(), "s1 served throughout, of " + haproxy.sent());
        }
        String metrics = fetch(statusPort, "/metrics");
        assertTrue(metrics.contains("signalbox_register_sessions_opened_total 1\n"), "one session for the whole run:\n" + metrics);
        assertTrue(!sidecar.log().contains("expired"), sidecar.log());
        assertEquals(0, sidecar.terminate(30));
    }
}
