package io.signalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.client.SignalboxClient;
import io.signalbox.client.SignalboxException;
import io.signalbox.proto.client.Consistency;
import io.signalbox.proto.client.Member;
import io.signalbox.proto.client.Response;
import io.signalbox.state.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real server processes on 127.0.0.1 (RocksDB, fsync, Netty): writes through every node,
 * kill -9 of the leader, restart (DIFF), a wiped follower (SNAP), and SIGTERM.
 */
class ClusterProcessTest {
    @TempDir
    Path directory;

    @Test
    void acknowledgedWritesSurviveLeaderKillAndRestartedOrWipedNodesCatchUp() throws Exception {
        // A snapshot every 40 entries: the restart below stays within the log (DIFF); the wipe does not (SNAP).
        try (ProcessCluster cluster = new ProcessCluster(3, 28_000, directory, "--set", "snapshotEveryEntries=40")) {
            ProcessCluster.await("a leader", Duration.ofSeconds(30), () -> cluster.leader() != 0);
            Set<String> acknowledged = new HashSet<>();
            for (int id = 1; id <= 3; id++) {
                try (SignalboxClient client = cluster.clientOf(id)) {
                    if (id == 1) {
                        client.submit(new Command.PutService("web", "http", 8080, "roundrobin", null, 1000, 1000, 1000, null));
                    }
                    for (int i = 0; i < 5; i++) {
                        String name = "n" + id + "-" + i;
                        client.submit(new Command.RegisterServer("web", name, "10.0." + id + "." + (i + 1), 80, 1, "ready", false, Map.of(), 0, null));
                        acknowledged.add(name);
                    }
                    assertEquals(acknowledged.size(), client.read(Consistency.LOCAL, "web").getRead().getServersCount(),
                            "LOCAL read through node " + id + " sees this client's writes");
                    assertEquals(acknowledged.size(), client.read(Consistency.LINEARIZABLE, "web").getRead().getServersCount());
                }
            }

            int leader = cluster.leader();
            cluster.kill9(leader);
            try (SignalboxClient client = cluster.client()) {
                for (int i = 0; i < 5; i++) {
                    String name = "after-kill-" + i;
                    client.submit(new Command.RegisterServer("web", name, "10.1.0." + (i + 1), 80, 1, "ready", false, Map.of(), 0, null));
                    acknowledged.add(name);
                }
                ProcessCluster.await("a new leader", Duration.ofSeconds(30), () -> cluster.leader() != 0);
                assertTrue(cluster.leader() != leader);
                Response all = client.read(Consistency.LINEARIZABLE, "web");
                Set<String> present = new HashSet<>();
                all.getRead().getServersList().forEach(s -> present.add(s.getName()));
                assertEquals(acknowledged, present, "every acknowledged write is there, nothing else");

                cluster.start(leader);
                long target = all.getZxid();
                ProcessCluster.await("the restarted node catches up", Duration.ofSeconds(30), () -> {
                    Member self = cluster.self(leader);
                    return self != null && self.getAppliedZxid() >= target;
                });
                assertTrue(cluster.log(leader).contains("by DIFF"), "a restarted node with its log catches up by DIFF");
                assertEquals(all.getRead().getDigest(), localDigest(cluster, leader));

                for (int i = 0; i < 45; i++) {
                    String name = "before-wipe-" + i;
                    client.submit(new Command.RegisterServer("web", name, "10.2.0." + (i + 1), 80, 1, "ready", false, Map.of(), 0, null));
                    acknowledged.add(name);
                }
                Response more = client.read(Consistency.LINEARIZABLE, "web");
                assertEquals(acknowledged.size(), more.getRead().getServersCount());
                int follower = cluster.leader() == 1 ? 2 : 1;
                cluster.kill9(follower);
                cluster.wipe(follower);
                cluster.start(follower);
                ProcessCluster.await("the wiped node catches up", Duration.ofSeconds(30), () -> {
                    Member self = cluster.self(follower);
                    return self != null && self.getAppliedZxid() >= more.getZxid();
                });
                assertTrue(cluster.log(follower).contains("by SNAP"), "a wiped node catches up by SNAP:\n" + cluster.log(follower));
                assertEquals(more.getRead().getDigest(), localDigest(cluster, follower));
            }

            int current = cluster.leader();
            assertEquals(0, cluster.terminate(current), "SIGTERM stops a node cleanly with exit code 0");
            assertTrue(cluster.log(current).contains("node " + current + " stopped"));
        }
    }

    @Test
    void theClusterCommandRunsNodesAsChildProcessesAndStopsThemAll() throws Exception {
        Process cluster = new ProcessBuilder(Launch.javaCommand("cluster", "--nodes", "3", "--dir", directory.toString(),
                "--base-port", "28900")).redirectErrorStream(true).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(cluster.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.contains("3 nodes running"), line);
            String addresses = "127.0.0.1:29001,127.0.0.1:29002,127.0.0.1:29003";
            try (SignalboxClient client = SignalboxClient.connect(addresses)) {
                ProcessCluster.await("the child nodes elect a leader", Duration.ofSeconds(30), () -> {
                    try {
                        return client.status().getStatus().getMembersList().stream().allMatch(Member::getReachable);
                    } catch (SignalboxException e) {
                        return false;
                    }
                });
                assertTrue(client.submit(new Command.PutService("web", "http", 8080, "roundrobin", null, 1000, 1000, 1000, null)).getZxid() > 0);
            }
            cluster.destroy();
            assertTrue(cluster.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            for (int port : new int[] {29001, 29002, 29003}) {
                ProcessCluster.await("node on " + port + " stopped", Duration.ofSeconds(15), () -> {
                    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                        return false;
                    } catch (java.io.IOException e) {
                        return true;
                    }
                });
            }
        } finally {
            cluster.destroyForcibly();
        }
    }

    private static long localDigest(ProcessCluster cluster, int id) {
        try (SignalboxClient client = cluster.clientOf(id)) {
            return client.read(Consistency.LOCAL, "web").getRead().getDigest();
        } catch (SignalboxException e) {
            throw new AssertionError("node " + id + ": " + e);
        }
    }
}
