package io.signalbox.proxysync.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.HostPort;
import io.signalbox.server.NodeConfig;
import io.signalbox.state.Command;
import io.signalbox.testkit.FreePorts;
import io.signalbox.testkit.ProcessCluster;
import io.signalbox.testkit.Processes;
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
 * connection is on.
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
            List<ClusterFrontConfig.Node> nodes = new ArrayList<>();
            for (NodeConfig.Member member : cluster.members) {
                nodes.add(new ClusterFrontConfig.Node(member.host(), member.clientPort(), member.adminPort()));
            }
            Path config = directory.resolve("front.cfg");
            Files.writeString(config, ClusterFrontConfig.render(new ClusterFrontConfig.Settings("127.0.0.1", front, nodes, 300, stats.toString())));
            Process check = new ProcessBuilder("haproxy", "-c", "-f", config.toString()).redirectErrorStream(true).start();
            String checked = new String(check.getInputStream().readAllBytes());
            assertEquals(0, check.waitFor(), checked);
            Process haproxy = new ProcessBuilder("haproxy", "-f", config.toString()).redirectErrorStream(true)
                    .redirectOutput(directory.resolve("haproxy.log").toFile()).start();
            try (SignalboxClient client = new SignalboxClient(ClientOptions.of(List.of(new HostPort("127.0.0.1", front))))) {
                HaproxyRuntime runtime = new HaproxyRuntime(stats);
                try {
                    ProcessCluster.await("HAProxy sees 3 nodes up", LIMIT, () -> up(runtime).size() == 3);
                } catch (IllegalStateException e) {
                    throw new AssertionError(e.getMessage() + ": " + safeStat(runtime) + "\n" + Files.readString(directory.resolve("haproxy.log")), e);
                }
                client.submit(new Command.PutService("front", "http", 28_001, "roundrobin", null, 1000, 1000, 1000, null));
                ProcessCluster.await("the client's connection shows in HAProxy", LIMIT, () -> connectedNode(runtime) != null);
                String node = connectedNode(runtime);
                int id = Integer.parseInt(node.substring(4));
                cluster.kill9(id);
                long started = System.nanoTime();
                for (int i = 1; i <= 30; i++) {
                    client.submit(new Command.RegisterServer("front", "s" + i, "127.0.0.1", 9_000 + i, 1, "ready", false, Map.of(), 0, null));
                }
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
                assertEquals(30, client.read(Consistency.LINEARIZABLE, "front").configuration().servers().get("front").size(),
                        "every write through HAProxy after kill -9 of " + node + " went through");
                assertTrue(seconds < 20, "within the client's retry deadline: " + seconds + " s");
                ProcessCluster.await(node + " marked down by its /health checks", LIMIT, () -> !up(runtime).contains(node));
                String now = connectedNode(runtime);
                assertTrue(now != null && !now.equals(node), "the client is on another node now: " + now);
            } finally {
                Processes.terminate(haproxy, 10);
            }
        }
    }

    private static String safeStat(HaproxyRuntime runtime) {
        try {
            return runtime.send("show stat");
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    /** The servers of be_signalbox that HAProxy has UP. */
    private static List<String> up(HaproxyRuntime runtime) {
        List<String> servers = new ArrayList<>();
        for (String[] row : stat(runtime)) {
            if (row[1].startsWith("node") && row[17].startsWith("UP")) {
                servers.add(row[1]);
            }
        }
        return servers;
    }

    /** The server of be_signalbox with a current session (the one client), or null. */
    private static String connectedNode(HaproxyRuntime runtime) {
        for (String[] row : stat(runtime)) {
            if (row[0].equals("be_signalbox") && row[1].startsWith("node") && Integer.parseInt(row[4]) > 0) {
                return row[1];
            }
        }
        return null;
    }

    private static List<String[]> stat(HaproxyRuntime runtime) {
        List<String[]> rows = new ArrayList<>();
        try {
            for (String line : runtime.send("show stat").split("\n")) {
                String[] fields = line.split(",", -1);
                if (!line.startsWith("#") && fields.length > 17) {
                    rows.add(fields);
                }
            }
        } catch (RuntimeException e) {
            return rows; // not listening yet
        }
        return rows;
    }
}
