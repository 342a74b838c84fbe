package io.signalbox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.signalbox.protocol.HostPort;
import io.signalbox.server.LocalCluster;
import io.signalbox.server.NodeConfig;
import io.signalbox.state.Command;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client connected to a follower sends its commands to the leader itself once the follower
 * named it, follows a new leader when the old one goes, and forwards through its node when
 * told not to. Three real nodes in one JVM; which node answered is read from each node's
 * count of commands answered on its client port.
 */
class LeaderRouteTest {
    private static final int COMMANDS = 20;

    @TempDir
    Path directory;

    @Test
    void commandsGoToTheLeaderAndFollowANewOne() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, 27_900, directory)) {
            int leader = leaderOf(cluster);
            int follower = leader == 1 ? 2 : 1;
            try (SignalboxClient client = new SignalboxClient(ClientOptions.of(List.of(address(cluster, follower))))) {
                awaitRoute(client, route -> route != null, "the follower names the leader");
                assertEquals(address(cluster, leader), client.commandRoute());

                long viaFollower = commandsAnswered(cluster, follower);
                long viaLeader = commandsAnswered(cluster, leader);
                register(client, "a");
                assertEquals(viaFollower, commandsAnswered(cluster, follower), "no command went through the follower");
                assertEquals(viaLeader + COMMANDS, commandsAnswered(cluster, leader), "every command went to the leader");

                cluster.stopNode(leader);
                register(client, "b"); // through the follower, which forwards to the new leader, until the route is learned again
                awaitRoute(client, route -> route != null && !route.equals(address(cluster, leader)), "the route follows the new leader");
                int newLeader = leaderOf(cluster);
                assertNotEquals(leader, newLeader);
                assertEquals(address(cluster, newLeader), client.commandRoute());
                long viaNewLeader = commandsAnswered(cluster, newLeader);
                register(client, "c");
                assertEquals(viaNewLeader + COMMANDS, commandsAnswered(cluster, newLeader));
                assertEquals(3 * COMMANDS, client.read(io.signalbox.protocol.Consistency.LINEARIZABLE, "web").configuration().servers()
                        .get("web").size(), "every command applied once");
            }
        }
    }

    @Test
    void withoutTheRouteCommandsGoThroughTheConnectedNode() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, 27_950, directory)) {
            int leader = leaderOf(cluster);
            int follower = leader == 1 ? 2 : 1;
            try (SignalboxClient client = new SignalboxClient(ClientOptions.of(List.of(address(cluster, follower)))
                    .withCommandsToLeader(false))) {
                client.submit(new Command.PutService("web", "http", 8080, "roundrobin", null, 1000, 1000, 1000, null));
                long viaFollower = commandsAnswered(cluster, follower);
                register(client, "a");
                assertEquals(viaFollower + COMMANDS, commandsAnswered(cluster, follower));
                assertNull(client.commandRoute());
            }
        }
    }

    /** The route is learned as commands are sent: one (the same service again) per poll. */
    private static void awaitRoute(SignalboxClient client, java.util.function.Predicate<HostPort> wanted, String what)
            throws InterruptedException {
        FailoverTest.ProcessWait.until(() -> {
            client.submit(new Command.PutService("web", "http", 8080, "roundrobin", null, 1000, 1000, 1000, null));
            return wanted.test(client.commandRoute());
        }, what);
    }

    private static void register(SignalboxClient client, String prefix) {
        for (int i = 0; i < COMMANDS; i++) {
            client.submit(new Command.RegisterServer("web", prefix + i, "10.0.0." + (i + 1), 80, 1, "ready", false, Map.of(), 0, null));
        }
    }

    /** The leader, once one is established (asked through a running node). */
    private static int leaderOf(LocalCluster cluster) throws InterruptedException {
        int[] leader = new int[1];
        try (SignalboxClient client = SignalboxClient.connect(cluster.clientAddresses())) {
            FailoverTest.ProcessWait.until(() -> {
                io.signalbox.protocol.Member self = client.status().self();
                leader[0] = self.leaderId();
                return leader[0] != 0 && self.established();
            }, "a leader is established");
        }
        return leader[0];
    }

    private static HostPort address(LocalCluster cluster, int id) {
        NodeConfig.Member m = cluster.members().get(id - 1);
        return new HostPort(m.host(), m.clientPort());
    }

    /** Commands answered on node {@code id}'s client port (forwarded ones included). */
    private static long commandsAnswered(LocalCluster cluster, int id) {
        return cluster.node(id).metrics().scrape().lines().filter(l -> l.startsWith("signalbox_commit_latency_seconds_count"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
