package io.signalbox.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.signalbox.proxysync.haproxy.HaproxyRuntime;
import io.signalbox.testkit.HostNetwork;
import io.signalbox.testkit.HttpBackends;
import io.signalbox.testkit.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md#install, done as it says on four "hosts" (network namespaces with their own
 * addresses): the archive unpacked, three nodes each with its own configuration file and data
 * directory, a HAProxy sync agent on the fourth, writes through ctl, a node killed and started
 * again, and HAProxy checked to run what was written. Nothing listens on loopback. Needs root,
 * iproute2 and HAProxy; without them it fails and says which is missing.
 */
class MultiHostIT {
    private static final long START_TIMEOUT_MS = 120_000;
    private static final long CONVERGE_TIMEOUT_MS = 60_000;
    private static final Pattern SERVER = Pattern.compile(
            "\\{\"name\":\"([^\"]+)\",\"address\":\"([^\"]+)\",\"port\":(\\d+),\"weight\":(\\d+),\"state\":\"(\\w+)\"");
    private static final Pattern DIGEST = Pattern.compile("\"zxid\":\"([^\"]+)\",\"digest\":\"([^\"]+)\"");

    @Test
    void threeHostsAndASyncAgentInstalledFromTheArchive() throws Exception {
        requireRootIpAndHaproxy();
        Path archive = Path.of(System.getProperty("signalbox.archive", "target/signalbox.tar.gz"));
        assertTrue(Files.isRegularFile(archive), "no archive at " + archive.toAbsolutePath() + ": run mvn package (or verify) first");
        Path work = Path.of(System.getProperty("signalbox.work", "target/multi-host")).toAbsolutePath();
        Processes.deleteRecursively(work);
        Files.createDirectories(work);
        HostNetwork.run("tar", "-xzf", archive.toAbsolutePath().toString(), "-C", work.toString());
        Path home = unpackedHome(work);

        try (HttpBackends backends = new HttpBackends(); MultiHostCluster cluster = new MultiHostCluster(home, work)) {
            cluster.build();
            for (int id = 1; id <= MultiHostCluster.NODES; id++) {
                cluster.startNode(id);
            }
            for (int id = 1; id <= MultiHostCluster.NODES; id++) {
                awaitHealthy(cluster, id, START_TIMEOUT_MS);
            }
            // Backends in the root namespace, on the bridge's address: HAProxy on host 4 reaches them over its veth.
            String backendAddress = cluster.hosts().bridgeAddress();
            int[] ports = new int[3];
            for (int i = 0; i < ports.length; i++) {
                ports[i] = backends.start("web-" + (i + 1), backendAddress);
            }
            cluster.ctl("service", "put", "web", "--port", "8080", "--mode", "http");
            cluster.ctl("server", "add", "web", "web-1", "--address", backendAddress, "--port", String.valueOf(ports[0]), "--weight", "10");
            cluster.ctl("server", "add", "web", "web-2", "--address", backendAddress, "--port", String.valueOf(ports[1]), "--weight", "20");
            cluster.ctl("acl", "grant", "agent", "read");
            cluster.ctl("acl", "grant", "agent", "report");
            cluster.startAgent();

            // Host 3 goes down hard; the other two keep a quorum and take more writes.
            cluster.kill9(3);
            cluster.ctl("server", "set", "web", "web-2", "--weight", "5");
            cluster.ctl("server", "add", "web", "web-3", "--address", backendAddress, "--port", String.valueOf(ports[2]), "--weight", "7");
            cluster.ctl("server", "drain", "web", "web-1");
            Set<String> written = Set.of(
                    "web-1 " + backendAddress + ":" + ports[0] + " weight 10 DRAIN",
                    "web-2 " + backendAddress + ":" + ports[1] + " weight 5 READY",
                    "web-3 " + backendAddress + ":" + ports[2] + " weight 7 READY");
            assertEquals(written, servers(cluster, 1), "host 1's configuration after the writes");

            // Host 3 again, from its own data directory: it catches up with what it missed.
            cluster.startNode(3);
            awaitHealthy(cluster, 3, START_TIMEOUT_MS);
            await("host 3 catches up with the writes it missed", CONVERGE_TIMEOUT_MS, () -> written.equals(servers(cluster, 3)),
                    () -> servers(cluster, 3) + "\n" + cluster.log(3, "node.log"));
            await("every host has the same configuration (zxid and digest)", CONVERGE_TIMEOUT_MS,
                    () -> new TreeSet<>(List.of(digest(cluster, 1), digest(cluster, 2), digest(cluster, 3))).size() == 1,
                    () -> digest(cluster, 1) + " " + digest(cluster, 2) + " " + digest(cluster, 3));

            // The agent's HAProxy runs what was written, reports it to the cluster, and serves it.
            Path socket = cluster.agentStateDir().resolve("admin.sock");
            await("HAProxy on host 4 runs the written servers", CONVERGE_TIMEOUT_MS, () -> written.equals(haproxyServers(socket)),
                    () -> haproxyServers(socket) + "\n" + cluster.log(MultiHostCluster.AGENT_HOST, "agent.log"));
            await("the agent reports to the cluster that it applied everything", CONVERGE_TIMEOUT_MS,
                    () -> status(cluster).contains("\"agent\":\"edge-1\"") && status(cluster).contains("\"lagEntries\":0"), () -> status(cluster));
            await("HAProxy on host 4 serves web from a ready server", CONVERGE_TIMEOUT_MS,
                    () -> Set.of("web-2", "web-3").contains(cluster.frontend(cluster.address(MultiHostCluster.AGENT_HOST), 8080, "/").body().strip()),
                    () -> cluster.frontend(cluster.address(MultiHostCluster.AGENT_HOST), 8080, "/").toString());

            for (int host = 1; host <= MultiHostCluster.AGENT_HOST; host++) {
                String listeners = cluster.listeners(host);
                assertTrue(!listeners.contains("127.0.0.1:") && !listeners.contains("[::1]:"), "host " + host + " listens on loopback:\n" + listeners);
            }
            String status = cluster.ctl("status");
            for (int id = 1; id <= MultiHostCluster.NODES; id++) {
                assertTrue(status.contains(cluster.address(id)), "ctl status does not show host " + id + ":\n" + status);
            }
        }
    }

    private static void requireRootIpAndHaproxy() {
        List<String> missing = new ArrayList<>();
        String uid = HostNetwork.tryRun("sh", "-c", "test \"$(id -u)\" = 0");
        if (uid != null) {
            missing.add("root (network namespaces need it; CI runs as root)");
        }
        if (HostNetwork.tryRun("ip", "-V") != null) {
            missing.add("ip from iproute2");
        }
        if (HostNetwork.tryRun("haproxy", "-v") != null) {
            missing.add("haproxy on PATH (apt-get install haproxy)");
        }
        if (!missing.isEmpty()) {
            fail("the multi-host test cannot run without: " + String.join("; ", missing));
        }
    }

    private static Path unpackedHome(Path work) throws IOException {
        try (Stream<Path> children = Files.list(work)) {
            List<Path> homes = children.filter(p -> p.getFileName().toString().startsWith("signalbox-")).toList();
            assertEquals(1, homes.size(), "the archive unpacks to one signalbox-VERSION directory: " + homes);
            return homes.get(0);
        }
    }

    private static void awaitHealthy(MultiHostCluster cluster, int id, long timeoutMs) throws Exception {
        await("host " + id + "'s node is healthy (admin /health)", timeoutMs,
                () -> cluster.admin(id, "/health").status() == 200,
                () -> cluster.log(id, "node.log"));
    }

    /** Host {@code id}'s own applied configuration of service web (its admin /config), one line per server. */
    private static Set<String> servers(MultiHostCluster cluster, int id) throws InterruptedException {
        Set<String> servers = new TreeSet<>();
        Matcher m = SERVER.matcher(cluster.admin(id, "/config").body());
        while (m.find()) {
            servers.add(m.group(1) + " " + m.group(2) + ":" + m.group(3) + " weight " + m.group(4) + " " + m.group(5));
        }
        return servers;
    }

    private static String digest(MultiHostCluster cluster, int id) throws InterruptedException {
        Matcher m = DIGEST.matcher(cluster.admin(id, "/config").body());
        return m.find() ? m.group(1) + "/" + m.group(2) : "host " + id + ": no configuration";
    }

    private static String status(MultiHostCluster cluster) throws InterruptedException {
        return cluster.admin(1, "/status").body();
    }

    /** What HAProxy itself runs in backend be_web, in the same form as {@link #servers}. */
    private static Set<String> haproxyServers(Path socket) {
        Set<String> servers = new TreeSet<>();
        if (!Files.exists(socket)) {
            return servers;
        }
        try (HaproxyRuntime runtime = new HaproxyRuntime(socket)) {
            for (HaproxyRuntime.ServerStatus s : runtime.serversState()) {
                if ("web".equals(s.service())) {
                    String state = s.maintenance() ? "MAINT" : s.draining() ? "DRAIN" : "READY";
                    servers.add(s.server() + " " + s.address() + ":" + s.port() + " weight " + s.userWeight() + " " + state);
                }
            }
        } catch (RuntimeException e) {
            servers.add("(runtime API: " + e.getMessage() + ")");
        }
        return servers;
    }

    /** Polls {@code done} every 250 ms for at most {@code timeoutMs}; fails with {@code what} and {@code evidence} otherwise. */
    private static void await(String what, long timeoutMs, Callable<Boolean> done, Callable<String> evidence) throws Exception {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (done.call()) {
                return;
            }
            Thread.sleep(250);
        }
        fail("not within " + timeoutMs + " ms: " + what + "\n" + evidence.call());
    }
}
