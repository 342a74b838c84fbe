package io.signalbox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.protocol.CommandRequest;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.HostPort;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.ReadResult;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.protocol.wire.WireConnection;
import io.signalbox.server.LocalCluster;
import io.signalbox.server.NodeConfig;
import io.signalbox.state.Command;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real nodes in one JVM (Netty on 127.0.0.1, RocksDB in a temporary directory). */
class InJvmClusterTest {
    @TempDir
    Path directory;

    /** The same client id and sequence sent twice, through two different nodes: one entry, one answer. */
    private static void assertARetriedCommandAppliesOnce(LocalCluster cluster) {
        CommandRequest retried = new CommandRequest("retrying-client", 1, new Command.OpenSession(5_000));
        long[] zxids = new long[2];
        long[] sessions = new long[2];
        var group = new io.netty.channel.nio.NioEventLoopGroup(1);
        try {
            for (int i = 0; i < 2; i++) {
                NodeConfig.Member m = cluster.members().get(i);
                try (var connection = WireConnection.open(group, new HostPort(m.host(), m.clientPort()), 2_000, 10).join()) {
                    Response response = connection.call(retried, 5_000).join();
                    assertTrue(response.reply() instanceof CommandResult, response.toString());
                    zxids[i] = response.reply().zxid();
                    sessions[i] = ((CommandResult) response.reply()).sessionId();
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
        assertEquals(zxids[0], zxids[1], "the retry gets the first answer");
        assertEquals(sessions[0], sessions[1]);
        try (SignalboxClient client = SignalboxClient.connect(cluster.clientAddresses())) {
            assertEquals(1, client.read(Consistency.LINEARIZABLE, "").configuration().sessions().size(), "one session opened, not two");
        }
    }

    @Test
    void writesThroughEveryNodeAreReadBackLocallyAndLinearizably() {
        try (LocalCluster cluster = LocalCluster.start(3, 27_000, directory)) {
            for (int id = 1; id <= 3; id++) {
                NodeConfig.Member m = cluster.members().get(id - 1);
                // Not to the leader: the commands are to go through every node, followers forwarding them.
                try (SignalboxClient client = new SignalboxClient(ClientOptions.of(List.of(new HostPort(m.host(), m.clientPort())))
                        .withCommandsToLeader(false))) {
                    String service = "web" + id;
                    client.submit(new Command.PutService(service, "http", 8000 + id, "roundrobin", null, 1000, 1000, 1000, null));
                    CommandResult put = client.submit(new Command.RegisterServer(service, "a", "10.0.0." + id, 80, 10, "ready", false,
                            Map.of(), 0, null));
                    assertTrue(put.zxid() > 0);
                    ReadResult local = client.read(Consistency.LOCAL, service);
                    assertEquals(1, local.configuration().servers().get(service).size(), "LOCAL read on node " + id + " sees its own write");
                    ReadResult linear = client.read(Consistency.LINEARIZABLE, service);
                    assertTrue(linear.zxid() >= put.zxid());
                    SignalboxException bad = assertThrows(SignalboxException.class, () -> client.submit(
                            new Command.RegisterServer(service, "b", "localhost", 80, 10, "ready", false, Map.of(), 0, null)));
                    assertEquals(ErrorCode.INVALID, bad.code(), bad.toString());
                }
            }
            try (SignalboxClient client = SignalboxClient.connect(cluster.clientAddresses())) {
                ReadResult all = client.read(Consistency.LINEARIZABLE, "");
                assertEquals(3, all.configuration().services().size());
                assertEquals(3, all.configuration().servers().values().stream().mapToInt(List::size).sum());
            }
            assertARetriedCommandAppliesOnce(cluster);
        }
    }

    /**
     * A repeated LOCAL read of one service is answered off the node's loop, and a client's own
     * write is never missed by it: the write changes the service, so the next read goes to the
     * loop, which waits until the write is applied.
     */
    @Test
    void repeatedLocalReadsAreServedOffTheLoopAndStillSeeTheClientsOwnWrites() {
        try (LocalCluster cluster = LocalCluster.start(3, 27_250, directory)) {
            NodeConfig.Member first = cluster.members().get(0);
            try (SignalboxClient client = new SignalboxClient(ClientOptions.of(List.of(new HostPort(first.host(), first.clientPort()))))) {
                client.submit(new Command.PutService("web", "http", 8080, "roundrobin", null, 1000, 1000, 1000, null));
                ReadResult before = client.read(Consistency.LOCAL, "web");
                long offLoopBefore = offLoopReads(cluster, 1);
                for (int i = 0; i < 20; i++) {
                    assertEquals(before.configuration().services(), client.read(Consistency.LOCAL, "web").configuration().services());
                }
                assertTrue(offLoopReads(cluster, 1) >= offLoopBefore + 20, "20 repeated reads off the loop: "
                        + offLoopBefore + " -> " + offLoopReads(cluster, 1));
                for (int weight = 1; weight <= 5; weight++) {
                    CommandResult registered = client.submit(new Command.RegisterServer("web", "a", "10.0.0.9", 80, weight, "ready", false,
                            Map.of(), 0, null));
                    ReadResult after = client.read(Consistency.LOCAL, "web");
                    assertTrue(after.zxid() >= registered.zxid(), "read-your-writes: " + after.zxid() + " < " + registered.zxid());
                    assertEquals(weight, after.configuration().servers().get("web").get(0).weight());
                }
            }
        }
    }

    private static long offLoopReads(LocalCluster cluster, int id) {
        return cluster.node(id).metrics().scrape().lines().filter(l -> l.startsWith("signalbox_local_reads_off_loop_total"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** Found by the chaos harness: clients sharing one options object must not be taken for retries of each other. */
    @Test
    void twoClientsBuiltFromOneOptionsObjectBothApply() {
        try (LocalCluster cluster = LocalCluster.start(3, 27_500, directory)) {
            ClientOptions shared = ClientOptions.of(cluster.clientAddresses());
            try (SignalboxClient first = new SignalboxClient(shared); SignalboxClient second = new SignalboxClient(shared)) {
                first.submit(new Command.PutService("one", "http", 8001, "roundrobin", null, 1000, 1000, 1000, null));
                second.submit(new Command.PutService("two", "http", 8002, "roundrobin", null, 1000, 1000, 1000, null));
                assertEquals(2, first.read(Consistency.LINEARIZABLE, "").configuration().services().size(),
                        "the second client's first command is not an answered retry of the first client's");
            }
        }
    }

    private static List<Member> membersSeenBy(LocalCluster cluster, int id) {
        NodeConfig.Member m = cluster.members().get(id - 1);
        try (SignalboxClient client = new SignalboxClient(ClientOptions.of(List.of(new HostPort(m.host(), m.clientPort())))
                .withRetryDeadlineMs(500).withRequestTimeoutMs(500))) {
            return client.status().members();
        }
    }

    private static Member self(LocalCluster cluster, int id) {
        return membersSeenBy(cluster, id).stream().filter(x -> x.id() == id).findFirst().orElseThrow();
    }

    /**
     * Found by the chaos harness: a leader refused a compare-and-set against a proposal that had
     * not committed (and, there, was later lost). A refusal is a statement about the state; a
     * leader that cannot reach a quorum must not make it.
     */
    @Test
    void aLeaderCutOffFromItsQuorumRefusesNothingAgainstUncommittedProposals() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, 27_600, directory)) {
            long v1;
            try (SignalboxClient any = SignalboxClient.connect(cluster.clientAddresses())) {
                any.submit(new Command.PutService("svc", "tcp", 9000, "roundrobin", null, 1000, 1000, 1000, null));
                v1 = any.submit(new Command.RegisterServer("svc", "k", "10.0.0.1", 1, 1, "ready", false, Map.of(), 0, null)).zxid();
            }
            int leader = 0;
            for (int id = 1; id <= 3; id++) {
                if ("LEADING".equals(self(cluster, id).role())) {
                    leader = id;
                }
            }
            assertTrue(leader != 0, "a leader");
            List<Integer> followers = new java.util.ArrayList<>();
            for (int id = 1; id <= 3; id++) {
                if (id != leader) {
                    followers.add(id);
                }
            }
            cluster.stopNode(followers.get(0));
            Thread stopping = new Thread(() -> cluster.stopNode(followers.get(1)));
            stopping.start();
            // The leader has about one second (its quorum timeout) between losing its last follower and stepping down.
            long gone = System.nanoTime() + 5_000_000_000L;
            while (membersSeenBy(cluster, leader).stream().anyMatch(x -> x.id() == followers.get(1) && x.reachable())) {
                assertTrue(System.nanoTime() < gone, "the last follower did not go away");
            }
            NodeConfig.Member m = cluster.members().get(leader - 1);
            ClientOptions toLeader = ClientOptions.of(List.of(new HostPort(m.host(), m.clientPort()))).withRetryDeadlineMs(1_500)
                    .withRequestTimeoutMs(500);
            try (SignalboxClient writer = new SignalboxClient(toLeader); SignalboxClient casClient = new SignalboxClient(toLeader)) {
                var cutOff = writer.submitAsync(new Command.RegisterServer("svc", "k", "10.0.0.1", 2, 1, "ready", false, Map.of(), 0, null));
                long proposedBy = System.nanoTime() + 800_000_000L;
                while (self(cluster, leader).lastZxid() <= v1) {
                    assertTrue(System.nanoTime() < proposedBy, "the leader stepped down before proposing: the scenario did not happen");
                }
                SignalboxException refused = assertThrows(SignalboxException.class, () -> casClient.submit(
                        new Command.RegisterServer("svc", "k", "10.0.0.1", 3, 1, "ready", false, Map.of(), 0, v1)));
                assertTrue(refused.code() != ErrorCode.CONFLICT, "a definite CONFLICT rested on an uncommitted proposal: " + refused);
                assertTrue(refused.retryable(), refused.toString());
                assertTrue(cutOff.handle((r, f) -> f != null).join(), "the write cut off from its quorum is not acknowledged");
            }
            stopping.join(10_000);
        }
    }
}
