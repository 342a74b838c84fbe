package io.signalbox.proxysync.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.HostPort;
import io.signalbox.proxysync.AgentStateDir;
import io.signalbox.proxysync.SyncAgent;
import io.signalbox.proxysync.SyncOptions;
import io.signalbox.server.NodeConfig;
import io.signalbox.state.Command;
import io.signalbox.testkit.FreePorts;
import io.signalbox.testkit.ProcessCluster;
import io.signalbox.testkit.Processes;
import io.signalbox.tls.DevCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HAProxy 2.6 in front of a 3-node cluster of real processes, from {@link ClusterFrontConfig}: a
 * Java client that knows only HAProxy's address keeps working through kill -9 of the node its
 * connection is on; once with the file {@code signalbox sync cluster-front} prints, run by hand,
 * once rendered by a HAProxy sync agent beside its services ({@code frontCluster}), and once
 * in front of a cluster with TLS on every port, its checks over HTTPS.
 */
class ClusterFrontProcessTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @Test
    void aClientThatKnowsOnlyHaproxyKeepsWorkingThroughKill9OfItsNode(@TempDir Path directory) throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/sbin/haproxy")), "haproxy is not installed (apt-get install haproxy); .ci/run installs it");
        int base = FreePorts.clusterBase(3);
        int front = base + 10; // free in the cluster's block of ports, below the ephemeral range
        Path stats = directory.resolve("stats.sock");
        try (ProcessCluster cluster = new ProcessCluster(3, base, directory.resolve("cluster"))) {
            cluster.awaitLeader(LIMIT);
            Process haproxy = startChecked(directory, new ClusterFrontConfig.Settings("127.0.0.1", front, nodesOf(cluster), 300,
                    stats.toString()));
            try {
                clientSurvivesKill9OfItsNode(cluster, front, new HaproxyRuntime(stats), "front", base + 11);
            } finally {
                Processes.terminate(haproxy, 10);
            }
        }
    }

    @Test
    void inFrontOfATlsClusterHttpsChecksMarkAKilledNodeDownAndUpAgainWhenItReturns(@TempDir Path directory) throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/sbin/haproxy")), "haproxy is not installed (apt-get install haproxy); .ci/run installs it");
        int base = FreePorts.clusterBase(3);
        int front = base + 10;
        Path stats = directory.resolve("stats.sock");
        Path certs = directory.resolve("certs");
        DevCertificates.createSet(certs, 3, List.of("ctl", "front"), List.of("127.0.0.1"), Duration.ofDays(1));
        // HAProxy's crt takes the certificate and its key in one file; the admin port asks for none today, so this only proves the file loads
        Path withKey = directory.resolve("front-with-key.pem");
        Files.writeString(withKey, Files.readString(certs.resolve("front.pem")) + Files.readString(certs.resolve("front.key")));
        try (ProcessCluster cluster = ProcessCluster.withTls(3, base, directory.resolve("cluster"), certs, "ctl",
                Map.of("tls.clientAuth", "require"))) {
            cluster.awaitLeader(LIMIT);
            Process haproxy = startChecked(directory, new ClusterFrontConfig.Settings("127.0.0.1", front, nodesOf(cluster), 300,
                    stats.toString()).withHealthTls(new ClusterFrontConfig.HealthTls(certs.resolve("ca.pem").toString(), withKey.toString())));
            try {
                HaproxyRuntime runtime = new HaproxyRuntime(stats);
                String killed = clientSurvivesKill9OfItsNode(cluster, front, runtime, "tlsfront", base + 11);
                cluster.start(Integer.parseInt(killed.substring(4)));
                ProcessCluster.await(killed + " up again once it serves: " + safeStat(runtime), LIMIT, () -> up(runtime).size() == 3);
            } finally {
                Processes.terminate(haproxy, 10);
            }
        }
    }

    @Test
    void aHaproxySyncAgentRendersTheFrontBesideItsServices(@TempDir Path directory) throws Exception {
        int base = FreePorts.clusterBase(3);
        int front = base + 10;
        try (ProcessCluster cluster = new ProcessCluster(3, base, directory.resolve("cluster"));
             SignalboxClient agentClient = cluster.client()) {
            cluster.awaitLeader(LIMIT);
            Path agentDir = directory.resolve("agent");
            HaproxyDriver driver = new HaproxyDriver(HaproxyDriver.Settings.managedIn(agentDir, "127.0.0.1")
                    .withClusterFront(new ClusterFrontConfig.Settings("127.0.0.1", front, nodesOf(cluster), 300, "")));
            try (AgentStateDir state = AgentStateDir.open(agentDir);
                 SyncAgent agent = SyncAgent.start(agentClient, driver, state, SyncOptions.defaults("front-agent"))) {
                // The service first: its reload must not leave the client's connection on the old worker, out of the stats' sight.
                long created = agentClient.submit(service("agentfront", base + 11)).zxid();
                ProcessCluster.await("the agent runs the new service", LIMIT, () -> agent.appliedZxid() >= created);
                clientSurvivesKill9OfItsNode(cluster, front, new HaproxyRuntime(agentDir.resolve("admin.sock")), "agentfront", base + 11);
                assertTrue(Files.readString(agentDir.resolve("haproxy.cfg")).contains("listen " + ClusterFrontConfig.PROXY_NAME));
                assertTrue(agent.failure().isEmpty(), "the agent runs its services and the front: " + agent.failure());
                assertEquals(1, agent.reloads(), "one reload, for the service the test created; the front is no drift");
            }
        }
    }

    /** The front rendered into {@code directory/front.cfg}, validated by {@code haproxy -c}, then run: what an operator does. */
    private static Process startChecked(Path directory, ClusterFrontConfig.Settings settings) throws Exception {
        Path config = directory.resolve("front.cfg");
        Files.writeString(config, ClusterFrontConfig.render(settings));
        Process check = new ProcessBuilder("haproxy", "-c", "-f", config.toString()).redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes());
        assertEquals(0, check.waitFor(), checked);
        return new ProcessBuilder("haproxy", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(directory.resolve("haproxy.log").toFile()).start();
    }

    private static List<ClusterFrontConfig.Node> nodesOf(ProcessCluster cluster) {
        List<ClusterFrontConfig.Node> nodes = new ArrayList<>();
        for (NodeConfig.Member member : cluster.members) {
            nodes.add(new ClusterFrontConfig.Node(member.host(), member.clientPort(), member.adminPort()));
        }
        return nodes;
    }

    /** A client of HAProxy's front only: kill -9 of the node its connection is on, then 30 writes that must all go through. */
    private static Command.PutService service(String name, int port) {
        return new Command.PutService(name, "http", port, "roundrobin", null, 1000, 1000, 1000, null);
    }

    /** Returns the node killed (node1..node3), left down. Over TLS when the cluster has it: HAProxy passes it through. */
    private static String clientSurvivesKill9OfItsNode(ProcessCluster cluster, int front, HaproxyRuntime runtime, String service, int port)
            throws Exception {
        try (SignalboxClient client = new SignalboxClient(ClientOptions.of(List.of(new HostPort("127.0.0.1", front)))
                .withTls(cluster.clientTls()))) {
            ProcessCluster.await("HAProxy sees 3 nodes up: " + safeStat(runtime), LIMIT, () -> up(runtime).size() == 3);
            client.submit(service(service, port));
            ProcessCluster.await("the client's connection shows in HAProxy", LIMIT, () -> connectedNode(runtime) != null);
            String node = connectedNode(runtime);
            cluster.kill9(Integer.parseInt(node.substring(4)));
            long started = System.nanoTime();
            for (int i = 1; i <= 30; i++) {
                client.submit(new Command.RegisterServer(service, "s" + i, "127.0.0.1", 9_000 + i, 1, "ready", false, Map.of(), 0, null));
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            assertEquals(30, client.read(Consistency.LINEARIZABLE, service).configuration().servers().get(service).size(),
                    "every write through HAProxy after kill -9 of " + node + " went through");
            assertTrue(seconds < 20, "within the client's retry deadline: " + seconds + " s");
            ProcessCluster.await(node + " marked down by its /health checks", LIMIT, () -> !up(runtime).contains(node));
            String now = connectedNode(runtime);
            assertTrue(now != null && !now.equals(node), "the client is on another node now: " + now);
            return node;
        }
    }

    private static String safeStat(HaproxyRuntime runtime) {
        try {
            return runtime.send("show stat");
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    /** The front's servers that HAProxy has UP. */
    private static List<String> up(HaproxyRuntime runtime) {
        List<String> servers = new ArrayList<>();
        for (String[] row : front(runtime)) {
            if (row[17].startsWith("UP")) {
                servers.add(row[1]);
            }
        }
        return servers;
    }

    /** The front's server with a current session (the one client), or null. */
    private static String connectedNode(HaproxyRuntime runtime) {
        for (String[] row : front(runtime)) {
            if (Integer.parseInt(row[4]) > 0) {
                return row[1];
            }
        }
        return null;
    }

    /** The CSV rows of {@code show stat} for the front's servers (pxname, svname, ..., scur at 4, status at 17). */
    private static List<String[]> front(HaproxyRuntime runtime) {
        List<String[]> rows = new ArrayList<>();
        try {
            for (String line : runtime.send("show stat").split("\n")) {
                String[] fields = line.split(",", -1);
                if (fields.length > 17 && fields[0].equals(ClusterFrontConfig.PROXY_NAME) && fields[1].startsWith("node")) {
                    rows.add(fields);
                }
            }
        } catch (RuntimeException e) {
            return rows; // not listening yet
        }
        return rows;
    }
}
