package io.signalbox.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.ReadResult;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.state.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
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
            cluster.awaitLeader(Duration.ofSeconds(30));
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
                    assertEquals(acknowledged.size(), client.read(Consistency.LOCAL, "web").configuration().servers().getOrDefault("web", List.of()).size(),
                            "LOCAL read through node " + id + " sees this client's writes");
                    assertEquals(acknowledged.size(), client.read(Consistency.LINEARIZABLE, "web").configuration().servers().getOrDefault("web", List.of()).size());
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
                ReadResult all = client.read(Consistency.LINEARIZABLE, "web");
                Set<String> present = new HashSet<>();
                all.configuration().servers().getOrDefault("web", List.of()).forEach(s -> present.add(s.name()));
                assertEquals(acknowledged, present, "every acknowledged write is there, nothing else");

                cluster.start(leader);
                long target = all.zxid();
                ProcessCluster.await("the restarted node catches up", Duration.ofSeconds(30), () -> {
                    Member self = cluster.self(leader);
                    return self != null && self.appliedZxid() >= target;
                });
                assertTrue(cluster.log(leader).contains("by DIFF"), "a restarted node with its log catches up by DIFF");
                assertEquals(all.configuration().digest(), localDigest(cluster, leader));

                for (int i = 0; i < 45; i++) {
                    String name = "before-wipe-" + i;
                    client.submit(new Command.RegisterServer("web", name, "10.2.0." + (i + 1), 80, 1, "ready", false, Map.of(), 0, null));
                    acknowledged.add(name);
                }
                ReadResult more = client.read(Consistency.LINEARIZABLE, "web");
                assertEquals(acknowledged.size(), more.configuration().servers().getOrDefault("web", List.of()).size());
                int follower = cluster.leader() == 1 ? 2 : 1;
                cluster.kill9(follower);
                cluster.wipe(follower);
                cluster.start(follower);
                ProcessCluster.await("the wiped node catches up", Duration.ofSeconds(30), () -> {
                    Member self = cluster.self(follower);
                    return self != null && self.appliedZxid() >= more.zxid();
                });
                assertTrue(cluster.log(follower).contains("by SNAP"), "a wiped node catches up by SNAP:\n" + cluster.log(follower));
                assertEquals(more.configuration().digest(), localDigest(cluster, follower));
            }

            int current = cluster.leader();
            assertEquals(0, cluster.terminate(current), "SIGTERM stops a node cleanly with exit code 0");
            assertTrue(cluster.log(current).contains("node " + current + " stopped"));
        }
    }

    private static long localDigest(ProcessCluster cluster, int id) {
        try (SignalboxClient client = cluster.clientOf(id)) {
            return client.read(Consistency.LOCAL, "web").configuration().digest();
        } catch (SignalboxException e) {
            throw new AssertionError("node " + id + ": " + e);
        }
    }
}
