package io.signalbox.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.MembershipResult.Reason;
import io.signalbox.consensus.MembershipResult.Refused;
import io.signalbox.consensus.message.ZabMessage.AckEpoch;
import io.signalbox.consensus.message.ZabMessage.FollowerInfo;
import io.signalbox.consensus.message.ZabMessage.Notification;
import io.signalbox.consensus.message.ZabMessage.Proposal;
import io.signalbox.consensus.message.ZabMessage.SyncTrunc;
import io.signalbox.consensus.message.ZabMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Observers (issue 18): members that receive every commit, never vote and never count in a
 * quorum, and become voters only once caught up.
 */
class ObserverTest {
    private static final byte[] NO_NODE_DATA = new byte[0];

    @Test
    void anObserverDeliversEveryCommitButItsAcksNeverMakeAQuorum() {
        CoreCluster cluster = threeVotersAndObserverFour();
        int leader = cluster.leader();
        long written = cluster.write(leader, "seen by the observer");
        runUntil(cluster, () -> cluster.cores.get(4).lastDeliveredZxid() >= written);
        assertEquals(Role.FOLLOWING, cluster.cores.get(4).role());
        assertEquals(List.of(4), cluster.cores.get(4).membership().observers());

        for (int voter : List.of(1, 2, 3)) {
            if (voter != leader) {
                cluster.cutOff.add(voter);
            }
        }
        long alone = cluster.write(leader, "acked by the leader and the observer only");
        cluster.tick(10);
        assertTrue(cluster.cores.get(leader).lastDeliveredZxid() < alone, "two acks, one of them an observer's, are no quorum of 3 voters");
        assertTrue(cluster.cores.get(4).view().lastZxid() >= alone, "the observer did receive and acknowledge it");
        cluster.tick(40);
        assertNotEquals(Role.LEADING, cluster.cores.get(leader).role(), "hearing only an observer, the leader steps down: " + cluster.roleChanges);
    }

    @Test
    void anObserverWithTheNewestHistoryNeverLeadsAndIsTruncatedByTheVotersLeader() {
        CoreCluster cluster = threeVotersAndObserverFour();
        int first = cluster.leader();
        long common = cluster.write(first, "everyone");
        runUntil(cluster, () -> cluster.cores.get(4).lastDeliveredZxid() >= common);

        // Only the observer receives the next proposal; then its leader is gone.
        cluster.lose = (from, send) -> from == first && send.to() != 4 && send.message() instanceof Proposal;
        long onlyObserved = cluster.write(first, "the observer's tail");
        assertEquals(onlyObserved, cluster.cores.get(4).view().lastZxid());
        cluster.lose = (from, send) -> false;
        cluster.cutOff.add(first);

        int second = nextLeader(cluster);
        assertTrue(second != 0 && second != 4, "a voter leads, not the observer: " + cluster.roleChanges);
        long next = cluster.write(second, "the new epoch");
        runUntil(cluster, () -> cluster.cores.get(4).lastDeliveredZxid() >= next);
        assertEquals(second, cluster.cores.get(4).view().leaderId());
        assertTrue(cluster.cores.get(4).historyCovers(next) && !cluster.cores.get(4).historyCovers(onlyObserved),
                "the uncommitted tail only the observer held was truncated, " + Zxid.format(onlyObserved));
        assertTrue(cluster.roleChanges.stream().noneMatch(change -> change.startsWith("4 LEADING")), cluster.roleChanges.toString());
    }

    @Test
    void aLaggingObserverIsNotPromotedAndACaughtUpOneCountsOnceItIs() {
        CoreCluster cluster = threeVotersAndObserverFour();
        int leader = cluster.leader();

        cluster.cutOff.add(4);
        long last = 0;
        for (int i = 0; i < 1_001; i++) {
            last = cluster.write(leader, "while 4 is away " + i);
        }
        long committed = last;
        runUntil(cluster, () -> cluster.cores.get(leader).lastDeliveredZxid() >= committed);
        Refused lagging = refused(cluster.cores.get(leader).proposeMembership(MembershipChange.promoteObserver(4), NO_NODE_DATA));
        assertEquals(Reason.LAGGING, lagging.reason());
        assertTrue(lagging.message().startsWith("promote-observer 4 refused: observer 4 is 1001 txns behind"), lagging.message());
        assertEquals(List.of(4), cluster.cores.get(leader).membership().observers(), "nothing changed");

        cluster.cutOff.remove(4);
        runUntil(cluster, () -> cluster.cores.get(4).lastDeliveredZxid() >= committed);
        accepted(cluster, leader, MembershipChange.promoteObserver(4));
        assertEquals(List.of(1, 2, 3, 4), cluster.cores.get(leader).membership().voters());
        assertEquals(List.of(), cluster.cores.get(leader).membership().observers());

        int other = List.of(1, 2, 3).stream().filter(id -> id != leader).findFirst().orElseThrow();
        cluster.cutOff.add(other);
        long counted = cluster.write(leader, "acked by the leader, one voter and 4");
        runUntil(cluster, () -> cluster.cores.get(leader).lastDeliveredZxid() >= counted);
    }

    @Test
    void aRemovedObserverStopsAndBadObserverChangesAreRefusedNamingTheMember() {
        CoreCluster cluster = threeVotersAndObserverFour();
        int leader = cluster.leader();
        ZabCore core = cluster.cores.get(leader);

        long before = core.view().lastZxid();
        assertEquals("add-observer 4 refused: 4 is already a member of Membership[voters=[1, 2, 3], observers=[4], since "
                + Zxid.format(before) + "]", refused(core.proposeMembership(MembershipChange.addObserver(4), NO_NODE_DATA)).message());
        assertEquals(Reason.MEMBER_IN_USE, refused(core.proposeMembership(MembershipChange.addObserver(2), NO_NODE_DATA)).reason());
        assertEquals(Reason.UNKNOWN_MEMBER, refused(core.proposeMembership(MembershipChange.removeObserver(2), NO_NODE_DATA)).reason());
        assertEquals(Reason.UNKNOWN_MEMBER, refused(core.proposeMembership(MembershipChange.promoteObserver(9), NO_NODE_DATA)).reason());
        assertEquals(Reason.UNKNOWN_MEMBER, refused(core.proposeMembership(MembershipChange.removeVoter(4), NO_NODE_DATA)).reason(),
                "an observer is removed as one");
        assertEquals(before, core.view().lastZxid(), "no refused change reached the log");

        accepted(cluster, leader, MembershipChange.removeObserver(4));
        runUntil(cluster, () -> cluster.cores.get(4).role() == Role.REMOVED);
        assertEquals(List.of(), core.membership().observers());
    }

    @Test
    void thirtyTwoObserversAtMost() {
        CoreCluster cluster = new CoreCluster(List.of(1, 2, 3));
        int leader = cluster.electLeader();
        for (int id = 10; id < 10 + Membership.OBSERVERS_MAX; id++) {
            accepted(cluster, leader, MembershipChange.addObserver(id));
        }
        Refused full = refused(cluster.cores.get(leader).proposeMembership(MembershipChange.addObserver(99), NO_NODE_DATA));
        assertEquals(Reason.TOO_MANY_OBSERVERS, full.reason());
        assertTrue(full.message().endsWith("already has 32 observers, at most 32"), full.message());
    }

    @Test
    void anObserverVotesForNobodyAndNoVoterTakesNobodyForACandidate() {
        RecoveredState holdingIt = holdingTheEntryAddingObserverFour();
        ZabCore observer = ZabCore.create(ZabConfig.defaults(4, List.of(1, 2, 3)), holdingIt, () -> 4L);
        List<Notification> asked = sent(observer, Notification.class);
        assertTrue(!asked.isEmpty() && asked.stream().allMatch(n -> n.proposedLeader() == 0), "it asks, proposing nobody: " + asked);

        // A voter that missed the entry adding 4 takes neither 4 nor nobody for a candidate, though 4's configuration is newer.
        ZabCore voter = ZabCore.create(ZabConfig.defaults(2, List.of(1, 2, 3)), RecoveredState.EMPTY, () -> 2L);
        voter.takeEffects();
        voter.receive(4, new Notification(9, Role.LOOKING, 0, Zxid.ZERO, 0, Zxid.of(1, 1)));
        List<Notification> votes = sent(voter, Notification.class);
        assertTrue(!votes.isEmpty() && votes.stream().allMatch(n -> n.proposedLeader() == 2), "it still votes for itself: " + votes);
    }

    @Test
    void aPromotedObserverThatMissedItsPromotionStillHelpsTheVotersLeftElect() {
        CoreCluster cluster = threeVotersAndObserverFour();
        int first = cluster.leader();
        // 4 never receives the promotion: the leader and the two other voters commit it, 3 of 4.
        cluster.lose = (from, send) -> send.to() == 4 && send.message() instanceof Proposal;
        accepted(cluster, first, MembershipChange.promoteObserver(4));
        assertEquals(List.of(4), cluster.cores.get(4).membership().observers(), "4 does not know it votes");
        cluster.lose = (from, send) -> false;
        cluster.cutOff.add(first);

        int second = nextLeader(cluster);
        assertTrue(second != 0 && second != first, "two voters and the promoted 4 (3 of 4) elect a leader: " + cluster.roleChanges);
        long next = cluster.write(second, "after the promotion");
        runUntil(cluster, () -> cluster.cores.get(4).lastDeliveredZxid() >= next);
        assertEquals(List.of(1, 2, 3, 4), cluster.cores.get(4).membership().voters(), "4 learnt it is a voter from the sync");
    }

    @Test
    void aSilentObserverIsNotPromoted() {
        CoreCluster cluster = threeVotersAndObserverFour();
        int leader = cluster.leader();
        cluster.cutOff.add(4);
        cluster.tick(ZabConfig.defaults(1, List.of(1, 2, 3)).leaderQuorumTimeoutTicks() + 1);
        Refused silent = refused(cluster.cores.get(leader).proposeMembership(MembershipChange.promoteObserver(4), NO_NODE_DATA));
        assertEquals(Reason.LAGGING, silent.reason());
        assertTrue(silent.message().contains("has not heard observer 4 for"), silent.message());
    }

    @Test
    void aLeaderDoesNotAbdicateForAnObserverWithANewerHistoryButTruncatesIt() {
        RecoveredState holdingIt = holdingTheEntryAddingObserverFour();
        ZabCore leader = ZabCore.create(ZabConfig.defaults(1, List.of(1, 2, 3)), holdingIt, () -> 1L);
        persistAll(leader);
        leader.receive(2, new Notification(1, Role.LOOKING, 1, Zxid.of(1, 1), 1, Zxid.of(1, 1)));
        for (int t = 0; t < 10 && leader.role() != Role.LEADING; t++) {
            leader.tick();
            persistAll(leader);
        }
        assertEquals(Role.LEADING, leader.role());
        leader.receive(4, new FollowerInfo(40, 1, Zxid.of(1, 5)));
        leader.receive(2, new FollowerInfo(20, 1, Zxid.of(1, 1)));
        persistAll(leader);
        leader.receive(4, new AckEpoch(40, 2, true, 1, Zxid.of(1, 5))); // the observer holds 1:2..1:5, never committed
        assertEquals(Role.LEADING, leader.role(), "no abdication for a non-voter");
        leader.receive(2, new AckEpoch(20, 2, true, 1, Zxid.of(1, 1)));
        List<ZabMessage> toObserver = persistAll(leader).stream().filter(send -> send.to() == 4).map(Effect.Send::message).toList();
        assertTrue(toObserver.stream().anyMatch(m -> m instanceof SyncTrunc trunc && trunc.truncateAfterZxid() == Zxid.of(1, 1)),
                "the observer is truncated to the leader's history: " + toObserver);
    }

    /** Epochs 1 and a log of one entry, 1:1, adding observer 4 to voters 1 to 3. */
    private static RecoveredState holdingTheEntryAddingObserverFour() {
        byte[] addFour = ConfigurationEntry.encode(List.of(1, 2, 3), List.of(4), NO_NODE_DATA);
        return new RecoveredState(1, 1, Snapshot.GENESIS, List.of(new Txn(Zxid.of(1, 1), addFour)));
    }

    /** Ticks until some established leader is not cut off, for at most 2,000 ticks; 0 if none. */
    private static int nextLeader(CoreCluster cluster) {
        int leader = 0;
        for (int t = 0; t < 2_000 && leader == 0; t++) {
            cluster.tick(1);
            leader = cluster.leader();
        }
        return leader;
    }

    /** Takes the core's effects, reporting every durable write done; returns the sends. */
    private static List<Effect.Send> persistAll(ZabCore core) {
        List<Effect.Send> sends = new ArrayList<>();
        List<Effect> effects;
        while (!(effects = core.takeEffects()).isEmpty()) {
            for (Effect effect : effects) {
                if (effect instanceof Effect.DurableWrite write) {
                    core.written(write.writeId());
                } else if (effect instanceof Effect.Send send) {
                    sends.add(send);
                }
            }
        }
        return sends;
    }

    private static <M extends ZabMessage> List<M> sent(ZabCore core, Class<M> type) {
        return core.takeEffects().stream().filter(e -> e instanceof Effect.Send send && type.isInstance(send.message()))
                .map(e -> type.cast(((Effect.Send) e).message())).toList();
    }

    /** Voters 1 to 3 with an established leader, and node 4 added through the log as an observer, started and following. */
    private static CoreCluster threeVotersAndObserverFour() {
        CoreCluster cluster = new CoreCluster(List.of(1, 2, 3));
        accepted(cluster, cluster.electLeader(), MembershipChange.addObserver(4));
        cluster.start(4, List.of(1, 2, 3));
        runUntil(cluster, () -> cluster.cores.get(4).role() == Role.FOLLOWING);
        return cluster;
    }

    private static void runUntil(CoreCluster cluster, java.util.function.BooleanSupplier done) {
        for (int t = 0; t < 2_000 && !done.getAsBoolean(); t++) {
            cluster.tick(1);
        }
        assertTrue(done.getAsBoolean(), "not within 2,000 ticks: " + cluster.roleChanges);
    }

    /** Proposes {@code change} on {@code leader} and runs until it committed there. */
    private static long accepted(CoreCluster cluster, int leader, MembershipChange change) {
        MembershipResult result = cluster.cores.get(leader).proposeMembership(change, NO_NODE_DATA);
        long zxid = assertInstanceOf(MembershipResult.Accepted.class, result, result.toString()).zxid();
        cluster.drain(leader);
        runUntil(cluster, () -> cluster.cores.get(leader).lastDeliveredZxid() >= zxid);
        return zxid;
    }

    private static Refused refused(MembershipResult result) {
        return assertInstanceOf(Refused.class, result, result.toString());
    }
}
