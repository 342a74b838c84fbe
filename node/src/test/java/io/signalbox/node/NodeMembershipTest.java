package io.signalbox.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.consensus.Snapshot;
import io.signalbox.protocol.CommandRequest;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.ErrorReply;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.MemberChangeRequest;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.StatusRequest;
import io.signalbox.protocol.StatusResult;
import io.signalbox.state.Command;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Member changes through the node's request layer, driven by ticks and hand-delivered
 * messages: the configuration entry carries the members' addresses, every node learns them
 * (status, the peers its host must link to), a snapshot records them, and bad changes are
 * refused naming the member while nothing changes.
 */
class NodeMembershipTest {
    private static Command putWeb() {
        return new Command.PutService("web", "http", 8080, "roundrobin", null, 2_000, 30_000, 30_000, null);
    }

    private static StatusResult status(HandWiredCluster cluster, int id) {
        return (StatusResult) cluster.ask(id, 50 + id, 900 + id, new StatusRequest(false)).reply();
    }

    @Test
    void anAddedVoterIsEveryonesPeerWithItsAddressesAndSyncsOnceStarted() {
        HandWiredCluster cluster = new HandWiredCluster(1_000);
        int leader = cluster.electLeader();
        int follower = leader == 1 ? 2 : 1;
        Response added = cluster.ask(follower, 7, 1, MemberChangeRequest.add(4, "n4:1", "n4:2", "n4:3"));
        CommandResult committed = assertInstanceOf(CommandResult.class, added.reply(), "forwarded to the leader and committed: " + added);

        for (int id = 1; id <= 3; id++) {
            StatusResult status = status(cluster, id);
            Member four = status.member(4);
            assertNotNull(four, "node " + id + " lists member 4: " + status.members());
            assertEquals(List.of(Member.VOTER, "n4:1", "n4:2", "n4:3"), List.of(four.voting(), four.peerAddress(), four.clientAddress(),
                    four.adminAddress()));
            assertEquals(committed.zxid(), status.configurationZxid());
            assertTrue(status.configurationCommitted() || id != leader, "committed on the leader");
        }
        Map<Integer, String> peers = cluster.nodes[follower].peersIfChanged();
        assertEquals("n4:1", peers.get(4), "the follower's host must dial member 4: " + peers);
        assertNull(cluster.nodes[follower].peersIfChanged(), "unchanged since the last answer");

        cluster.start(4, List.of(1, 2, 3, 4), Snapshot.GENESIS);
        cluster.tickAll(100);
        assertInstanceOf(CommandResult.class, cluster.ask(leader, 8, 2, new CommandRequest("c", 1, putWeb(), "")).reply());
        cluster.tickAll(10);
        assertTrue(cluster.nodes[4].machine().view().service("web") != null, "the new member applied the write");
        assertEquals(List.of(1, 2, 3, 4), cluster.nodes[4].membership().voters());
    }

    @Test
    void anObserverAppliesEveryWriteForwardsItsOwnAndIsPromotedOnlyOnceSynced() {
        HandWiredCluster cluster = new HandWiredCluster(1_000);
        int leader = cluster.electLeader();
        int follower = leader == 1 ? 2 : 1;
        assertInstanceOf(CommandResult.class, cluster.ask(follower, 7, 1, MemberChangeRequest.addObserver(4, "n4:1", "n4:2", "n4:3")).reply());
        assertEquals(Member.OBSERVER, status(cluster, follower).member(4).voting());
        assertRefused(cluster, leader, MemberChangeRequest.promote(4), ErrorCode.CONFLICT, "observer 4 is not synced with leader");

        cluster.start(4, List.of(1, 2, 3), Snapshot.GENESIS);
        cluster.tickAll(100);
        assertEquals(List.of(4), cluster.nodes[4].membership().observers(), "it learnt it observes from the log");
        Response written = cluster.ask(4, 8, 2, new CommandRequest("c", 1, putWeb(), ""));
        assertInstanceOf(CommandResult.class, written.reply(), "the observer forwards a write to the leader: " + written);
        cluster.tickAll(10);
        assertNotNull(cluster.nodes[4].machine().view().service("web"), "and applies it once committed");

        assertInstanceOf(CommandResult.class, cluster.ask(follower, 7, 3, MemberChangeRequest.promote(4)).reply());
        assertEquals(List.of(1, 2, 3, 4), cluster.nodes[leader].membership().voters());
        assertEquals(Member.VOTER, status(cluster, leader).member(4).voting());
        Response retried = cluster.ask(leader, 7, 4, MemberChangeRequest.promote(4));
        assertInstanceOf(CommandResult.class, retried.reply(), "a retried promote of a voter now is answered as done: " + retried);
    }

    @Test
    void badChangesAreRefusedNamingTheMemberAndChangeNothing() {
        HandWiredCluster cluster = new HandWiredCluster(1_000);
        int leader = cluster.electLeader();
        assertRefused(cluster, leader, MemberChangeRequest.add(4, "n2:1", "n4:2", "n4:3"), ErrorCode.INVALID, "already member 2's");
        assertRefused(cluster, leader, MemberChangeRequest.add(2, "n9:1", "n9:2", "n9:3"), ErrorCode.INVALID, "2");
        assertRefused(cluster, leader, MemberChangeRequest.add(4, "n4:1", "", "n4:3"), ErrorCode.INVALID, "client");
        assertRefused(cluster, leader, MemberChangeRequest.add(4, "n4", "n4:2", "n4:3"), ErrorCode.INVALID, "n4");
        assertRefused(cluster, leader, MemberChangeRequest.add(0, "n4:1", "n4:2", "n4:3"), ErrorCode.INVALID, "positive");
        assertRefused(cluster, leader, MemberChangeRequest.remove(9), ErrorCode.INVALID, "9");
        assertRefused(cluster, leader, MemberChangeRequest.remove(3), ErrorCode.INVALID, "3");
        assertRefused(cluster, leader, new MemberChangeRequest("grow", 4, "", "", ""), ErrorCode.INVALID, "add, add-observer, remove, promote");
        assertRefused(cluster, leader, MemberChangeRequest.promote(9), ErrorCode.INVALID, "9 is not an observer");
        assertRefused(cluster, leader, MemberChangeRequest.addObserver(4, "n1:1", "n4:2", "n4:3"), ErrorCode.INVALID, "already member 1's");
        assertEquals(List.of(1, 2, 3), cluster.nodes[leader].membership().voters());
        assertEquals(0, status(cluster, leader).configurationZxid(), "still the bootstrap configuration");
    }

    @Test
    void aRetriedChangeThatAppliedIsAnsweredAsDone() {
        HandWiredCluster cluster = new HandWiredCluster(1_000);
        int leader = cluster.electLeader();
        MemberChangeRequest add = MemberChangeRequest.add(4, "n4:1", "n4:2", "n4:3");
        long first = ((CommandResult) cluster.ask(leader, 7, 1, add).reply()).zxid();
        assertEquals(first, ((CommandResult) cluster.ask(leader, 7, 2, add).reply()).zxid(), "the same entry, not a second one");
        assertRefused(cluster, leader, MemberChangeRequest.add(4, "n5:1", "n5:2", "n5:3"), ErrorCode.INVALID, "4");

        long removed = ((CommandResult) cluster.ask(leader, 7, 3, MemberChangeRequest.remove(4)).reply()).zxid();
        assertEquals(removed, ((CommandResult) cluster.ask(leader, 7, 4, MemberChangeRequest.remove(4)).reply()).zxid(),
                "a retried remove: done at the same entry");
        assertEquals(List.of(1, 2, 3), cluster.nodes[leader].membership().voters());
        assertRefused(cluster, leader, MemberChangeRequest.remove(9), ErrorCode.INVALID, "9");
    }

    @Test
    void aSnapshotRecordsTheConfigurationAndItsAddressesForARestart() {
        HandWiredCluster cluster = new HandWiredCluster(3);
        int leader = cluster.electLeader();
        cluster.ask(leader, 7, 1, MemberChangeRequest.add(4, "n4:1", "n4:2", "n4:3"));
        for (int i = 1; i <= 4; i++) {
            cluster.ask(leader, 8, 10 + i, new CommandRequest("c", i, new Command.PutService("s" + i, "http", 9000 + i, "roundrobin", null,
                    2_000, 30_000, 30_000, null), ""));
        }
        List<NodeEffect.TakeSnapshot> taken = cluster.snapshotsToWrite.get(leader);
        assertTrue(!taken.isEmpty(), "a snapshot was due");
        Snapshot written = taken.get(taken.size() - 1).snapshot();
        Snapshot recovered = Node.recoveredSnapshot(written.zxid(), written.state());
        assertEquals(List.of(1, 2, 3, 4), recovered.membership().voters(), "storage gives back bytes only; they record the voters");

        // A node restarted on that snapshot, with only the bootstrap members in its configuration, links to member 4.
        int restarted = leader == 1 ? 2 : 1;
        cluster.start(restarted, List.of(1, 2, 3), recovered);
        assertEquals("n4:1", cluster.nodes[restarted].peersIfChanged().get(4));
        assertEquals(List.of(1, 2, 3, 4), cluster.nodes[restarted].membership().voters());
    }

    private static void assertRefused(HandWiredCluster cluster, int node, MemberChangeRequest change, ErrorCode code, String named) {
        Response answer = cluster.ask(node, 9, 77, change);
        ErrorReply error = assertInstanceOf(ErrorReply.class, answer.reply(), change + " is refused: " + answer);
        assertEquals(code, error.code(), error.message());
        assertTrue(error.message().contains(named), "the message names " + named + ": " + error.message());
    }
}
