package io.signalbox.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.message.ZabMessage.Notification;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Elections across a membership change, both found by the simulator's membership faults: who
 * may be elected, and how a node that missed the entry adding its leader finds that leader.
 */
class MembershipElectionTest {
    @Test
    void aVoterElectsOnlyAVoterOfItsConfigurationHoweverNewTheOthersHistory() {
        SplittableRandom random = new SplittableRandom(1);
        ZabCore core = ZabCore.create(ZabConfig.defaults(1, List.of(1, 2, 3)), RecoveredState.EMPTY, random::nextLong);
        core.takeEffects();

        core.receive(4, new Notification(1, Role.LOOKING, 4, Zxid.of(9, 9), 9)); // a removed node with the newest history
        assertTrue(notificationsSent(core).stream().noneMatch(n -> n.proposedLeader() == 4), "no vote adopted for node 4");

        core.receive(2, new Notification(1, Role.LOOKING, 2, Zxid.of(9, 9), 9));
        assertTrue(notificationsSent(core).stream().allMatch(n -> n.proposedLeader() == 2), "a voter's better vote is adopted");
    }

    @Test
    void aSenderWithANewerConfigurationVouchesForAVoterItAdded() {
        SplittableRandom random = new SplittableRandom(1);
        ZabCore core = ZabCore.create(ZabConfig.defaults(1, List.of(1, 2, 3, 4)), RecoveredState.EMPTY, random::nextLong);
        core.takeEffects();

        // 2 holds the entry adding 5 (its configuration is of 9:1, ours of 0:0); 5 is no voter of ours
        core.receive(2, new Notification(1, Role.LOOKING, 5, Zxid.of(9, 1), 9, Zxid.of(9, 1)));
        assertTrue(notificationsSent(core).stream().allMatch(n -> n.proposedLeader() == 5),
                "the added voter is adopted on the word of a node that holds the entry adding it (3-node sweep seed 10004740)");

        ZabCore other = ZabCore.create(ZabConfig.defaults(1, List.of(1, 2, 3, 4)), RecoveredState.EMPTY, random::nextLong);
        other.takeEffects();
        other.receive(3, new Notification(1, Role.LOOKING, 5, Zxid.of(9, 1), 9, Zxid.ZERO));
        assertTrue(notificationsSent(other).stream().noneMatch(n -> n.proposedLeader() == 5), "not on the word of one as old as us");
    }

    @Test
    void aVoterDroppedByAChangeNotDeliveredHereIsOutOnceItHoldsThatChange() {
        byte[] removeFour = ConfigurationEntry.encode(List.of(1, 2, 3, 5), List.of(), new byte[0]);
        RecoveredState holdingTheRemoval = new RecoveredState(1, 1, Snapshot.GENESIS, List.of(new Txn(Zxid.of(1, 1), removeFour)));
        SplittableRandom random = new SplittableRandom(1);
        ZabCore core = ZabCore.create(ZabConfig.defaults(1, List.of(1, 2, 3, 4, 5)), holdingTheRemoval, random::nextLong);
        core.takeEffects();
        assertEquals(List.of(1, 2, 3, 5), core.membership().voters());

        // 4's history reaches 1:2 in epoch 1: it holds its own removal (5-node sweep seed 20026948)
        core.receive(5, new Notification(1, Role.LOOKING, 4, Zxid.of(1, 2), 3, Zxid.of(1, 1)));
        assertTrue(notificationsSent(core).stream().noneMatch(n -> n.proposedLeader() == 4), "no vote adopted for node 4");

        // on another branch (epoch 2 without the entry), 4 may still lead and truncate the removal (seed 30004947)
        ZabCore other = ZabCore.create(ZabConfig.defaults(1, List.of(1, 2, 3, 4, 5)), holdingTheRemoval, random::nextLong);
        other.takeEffects();
        other.receive(5, new Notification(1, Role.LOOKING, 4, Zxid.of(2, 7), 3, Zxid.ZERO));
        assertTrue(notificationsSent(other).stream().allMatch(n -> n.proposedLeader() == 4), "its better vote is adopted");

        // 4's history has passed into epoch 2, but 4 itself says its configuration is the removal (3-node sweep seed 10047544)
        ZabCore told = ZabCore.create(ZabConfig.defaults(1, List.of(1, 2, 3, 4, 5)), holdingTheRemoval, random::nextLong);
        told.takeEffects();
        told.receive(4, new Notification(1, Role.LOOKING, 4, Zxid.of(2, 7), 3, Zxid.of(1, 1)));
        assertTrue(notificationsSent(told).stream().noneMatch(n -> n.proposedLeader() == 4), "no vote adopted for node 4");
        told.receive(5, new Notification(1, Role.LOOKING, 4, Zxid.of(2, 7), 3, Zxid.ZERO));
        assertTrue(notificationsSent(told).stream().noneMatch(n -> n.proposedLeader() == 4), "nor on another's word once 4 said so");
    }

    private static List<Notification> notificationsSent(ZabCore core) {
        return core.takeEffects().stream().filter(e -> e instanceof Effect.Send send && send.message() instanceof Notification)
                .map(e -> (Notification) ((Effect.Send) e).message()).toList();
    }

    @Test
    void aNodeThatMissedTheEntryAddingItsLeaderStillFindsAndFollowsIt() {
        CoreCluster cluster = new CoreCluster(List.of(1, 2, 3));
        int first = cluster.electLeader();
        List<Integer> followers = List.of(1, 2, 3).stream().filter(id -> id != first).toList();
        int lagging = followers.get(0);
        int other = followers.get(1);
        cluster.write(first, "before");
        cluster.cutOff.add(lagging);

        cluster.start(4, List.of(1, 2, 3, 4));
        long added = accepted(cluster, first, MembershipChange.addVoter(4));
        long removed = accepted(cluster, first, MembershipChange.removeVoter(first));
        assertTrue(added < removed);
        for (int t = 0; t < 2_000 && cluster.leader() != 4; t++) {
            cluster.tick(1);
        }
        assertEquals(4, cluster.leader(), "with equal histories the highest id leads the voters left: " + cluster.roleChanges);
        assertEquals(List.of(lagging, other, 4), cluster.cores.get(4).membership().voters().stream().sorted(
                java.util.Comparator.comparingInt(id -> id == lagging ? 0 : id == other ? 1 : 2)).toList());
        assertEquals(List.of(1, 2, 3), cluster.cores.get(lagging).membership().voters(), "it holds neither change");

        cluster.cutOff.remove(lagging);
        long written = cluster.write(4, "after");
        for (int t = 0; t < 2_000 && cluster.cores.get(lagging).lastDeliveredZxid() < written; t++) {
            cluster.tick(1);
        }
        assertEquals(Role.FOLLOWING, cluster.cores.get(lagging).role(), cluster.roleChanges.toString());
        assertEquals(4, cluster.cores.get(lagging).view().leaderId());
        assertTrue(cluster.cores.get(lagging).lastDeliveredZxid() >= written, "it caught up with the leader it did not know");
    }

    /** Proposes {@code change} on {@code leader} and runs until it committed there. */
    private static long accepted(CoreCluster cluster, int leader, MembershipChange change) {
        MembershipResult result = cluster.cores.get(leader).proposeMembership(change, new byte[0]);
        long zxid = assertInstanceOf(MembershipResult.Accepted.class, result, result.toString()).zxid();
        cluster.drain(leader);
        for (int t = 0; t < 2_000 && cluster.cores.get(leader).lastDeliveredZxid() < zxid; t++) {
            cluster.tick(1);
        }
        assertTrue(cluster.cores.get(leader).lastDeliveredZxid() >= zxid, change + " committed: " + cluster.roleChanges);
        return zxid;
    }
}
