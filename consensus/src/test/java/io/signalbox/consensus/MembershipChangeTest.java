package io.signalbox.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.MembershipResult.Reason;
import io.signalbox.consensus.MembershipResult.Refused;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One voter at a time through the log: in force on append, refused while one is pending, removed nodes stop. */
class MembershipChangeTest {
    private static final byte[] ADDRESSES = {1, 2, 3};

    /** The leader proposes {@code change}; the cluster runs until every node in it delivered the entry. */
    private static long change(CoreCluster cluster, int leader, MembershipChange change) {
        MembershipResult result = cluster.cores.get(leader).proposeMembership(change, ADDRESSES);
        long zxid = assertInstanceOf(MembershipResult.Accepted.class, result, result.toString()).zxid();
        cluster.drain(leader);
        for (int t = 0; t < 2_000 && !allDelivered(cluster, zxid); t++) {
            cluster.tick(1);
        }
        assertTrue(allDelivered(cluster, zxid), change + " delivered everywhere within 2,000 ticks: " + cluster.roleChanges);
        return zxid;
    }

    private static boolean allDelivered(CoreCluster cluster, long zxid) {
        return cluster.cores.values().stream().allMatch(core -> core.lastDeliveredZxid() >= zxid || core.role() == Role.REMOVED);
    }

    private static Refused refused(MembershipResult result) {
        return assertInstanceOf(Refused.class, result, result.toString());
    }

    @Test
    void growThreeToFiveAndShrinkBackOneVoterAtATime() {
        CoreCluster cluster = new CoreCluster(List.of(1, 2, 3));
        int leader = cluster.electLeader();
        cluster.write(leader, "before");

        cluster.start(4, List.of(1, 2, 3, 4)); // an empty node that syncs once the leader counts it
        change(cluster, leader, MembershipChange.addVoter(4));
        assertEquals(Role.FOLLOWING, cluster.cores.get(4).role());
        assertEquals(List.of(1, 2, 3, 4), cluster.cores.get(2).membership().voters());
        cluster.start(5, List.of(1, 2, 3, 4, 5));
        long five = change(cluster, leader, MembershipChange.addVoter(5));
        for (ZabCore core : cluster.cores.values()) {
            assertEquals(new Membership(five, List.of(1, 2, 3, 4, 5), List.of()), core.membership());
        }
        long written = cluster.write(leader, "with five");
        assertTrue(cluster.cores.get(5).lastDeliveredZxid() >= written, "the new voter receives later writes");

        int removed = leader == 5 ? 4 : 5;
        change(cluster, leader, MembershipChange.removeVoter(removed));
        assertEquals(Role.REMOVED, cluster.cores.get(removed).role(), "a removed follower stops voting");
        int second = leader == 4 || removed == 4 ? (leader == 3 ? 2 : 3) : 4;
        change(cluster, leader, MembershipChange.removeVoter(second));
        assertEquals(3, cluster.cores.get(leader).membership().voters().size());

        int last = cluster.cores.get(leader).membership().voters().stream().filter(id -> id != leader).findFirst().orElseThrow();
        Refused tooFew = refused(cluster.cores.get(leader).proposeMembership(MembershipChange.removeVoter(last), ADDRESSES));
        assertEquals(Reason.TOO_FEW_VOTERS, tooFew.reason());
        assertEquals("remove-voter " + last + " refused: it would leave 2 voters, at least 3", tooFew.message());
        cluster.write(leader, "after");
    }

    @Test
    void aSecondChangeIsRefusedWhileTheFirstIsUncommittedNamingItsZxid() {
        CoreCluster cluster = new CoreCluster(List.of(1, 2, 3));
        int leader = cluster.electLeader();
        ZabCore core = cluster.cores.get(leader);
        long pending = ((MembershipResult.Accepted) core.proposeMembership(MembershipChange.addVoter(4), ADDRESSES)).zxid();
        assertEquals(List.of(1, 2, 3, 4), core.membership().voters(), "in force on append, before its commit");
        long last = core.view().lastZxid();

        Refused second = refused(core.proposeMembership(MembershipChange.addVoter(5), ADDRESSES));
        assertEquals(Reason.CHANGE_IN_PROGRESS, second.reason());
        assertEquals(5, second.member());
        assertTrue(second.message().contains("the configuration entry at " + Zxid.format(pending) + " ("), second.message());
        assertEquals(last, core.view().lastZxid(), "a refusal appends nothing");

        cluster.drain(leader);
        cluster.deliverAll(); // 3 of 4 voters ack: it commits without node 4
        assertTrue(core.lastDeliveredZxid() >= pending);
        assertInstanceOf(MembershipResult.Accepted.class, core.proposeMembership(MembershipChange.removeVoter(4), ADDRESSES));
    }

    @Test
    void badChangesAreRefusedNamingTheMemberAndChangeNothing() {
        CoreCluster cluster = new CoreCluster(List.of(1, 2, 3));
        int leader = cluster.electLeader();
        int follower = leader == 1 ? 2 : 1;
        ZabCore core = cluster.cores.get(leader);
        long last = core.view().lastZxid();
        assertEquals("add-voter 2 refused: 2 is already a member of Membership[voters=[1, 2, 3], since 0:0]",
                refused(core.proposeMembership(MembershipChange.addVoter(2), ADDRESSES)).message());
        assertEquals(Reason.UNKNOWN_MEMBER, refused(core.proposeMembership(MembershipChange.removeVoter(9), ADDRESSES)).reason());
        assertEquals(Reason.UNKNOWN_MEMBER, refused(core.proposeMembership(MembershipChange.promoteObserver(2), ADDRESSES)).reason());
        Refused notLeader = refused(cluster.cores.get(follower).proposeMembership(MembershipChange.addVoter(4), ADDRESSES));
        assertEquals(Reason.NOT_LEADER, notLeader.reason());
        assertEquals("add-voter 4 refused: node " + follower + " is FOLLOWING, the leader is " + leader, notLeader.message());
        assertEquals(last, core.view().lastZxid());
        assertEquals(Membership.bootstrap(List.of(1, 2, 3)), core.membership());
    }

    @Test
    void aLeaderWhoseRemovalCommitsStepsDownAndTheOthersGoOn() {
        CoreCluster cluster = new CoreCluster(List.of(1, 2, 3, 4));
        int leader = cluster.electLeader();
        long removal = change(cluster, leader, MembershipChange.removeVoter(leader));
        assertEquals(Role.REMOVED, cluster.cores.get(leader).role());
        String stepDown = cluster.roleChanges.stream().filter(line -> line.startsWith(leader + " REMOVED")).findFirst().orElse("none");
        assertTrue(stepDown.startsWith(leader + " REMOVED: node " + leader + " was LEADING (stepping down); the configuration entry at "
                + Zxid.format(removal) + " removed it"), stepDown);

        int next = cluster.electLeader();
        assertTrue(next != leader);
        long written = cluster.write(next, "after the leader left");
        assertTrue(written > removal);
        assertEquals(removal, cluster.cores.get(leader).lastDeliveredZxid(), "the removed node hears nothing more");
    }

    @Test
    void aTruncationUndoesAnUncommittedChange() {
        CoreCluster cluster = new CoreCluster(List.of(1, 2, 3));
        int leader = cluster.electLeader();
        cluster.cutOff.add(leader);
        ZabCore core = cluster.cores.get(leader);
        assertInstanceOf(MembershipResult.Accepted.class, core.proposeMembership(MembershipChange.addVoter(4), ADDRESSES));
        assertEquals(4, core.membership().voters().size());

        int next = 0;
        for (int t = 0; t < 2_000 && next == 0; t++) {
            cluster.tick(1);
            next = cluster.leader();
        }
        assertTrue(next != 0 && next != leader, "the others elect a leader without the change");
        cluster.write(next, "new epoch");
        cluster.cutOff.remove(leader);
        for (int t = 0; t < 2_000 && !(core.role() == Role.FOLLOWING && core.established()); t++) {
            cluster.tick(1);
        }
        assertEquals(Role.FOLLOWING, core.role());
        assertEquals(Membership.bootstrap(List.of(1, 2, 3)), core.membership(), "TRUNC restored the configuration before the entry");
    }
}
