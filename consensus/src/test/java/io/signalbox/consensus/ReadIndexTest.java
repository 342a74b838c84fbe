package io.signalbox.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Linearizable reads: a read is released only after a quorum round that began after it. */
class ReadIndexTest {
    @Test
    void aReadIsReleasedOnlyAfterAFollowerAcksARoundSentAfterIt() {
        CoreCluster cluster = new CoreCluster(List.of(1, 2, 3));
        int leader = cluster.electLeader();
        long written = cluster.write(leader, "w1");

        assertTrue(cluster.cores.get(leader).readIndex(7));
        cluster.drain(leader);
        assertEquals(List.of(), cluster.ready.get(leader), "not before any follower answered");

        cluster.deliverAll();
        assertEquals(List.of(new Effect.ReadReady(7, written)), cluster.ready.get(leader));
    }

    @Test
    void followersAndLookingNodesRefuseReads() {
        CoreCluster cluster = new CoreCluster(List.of(1, 2, 3));
        int leader = cluster.electLeader();
        for (int id = 1; id <= 3; id++) {
            if (id != leader) {
                assertFalse(cluster.cores.get(id).readIndex(1), "follower " + id);
            }
        }
    }

    @Test
    void aLeaderCutOffFromItsFollowersNeverReleasesAReadEvenAfterANewerLeaderCommits() {
        CoreCluster cluster = new CoreCluster(List.of(1, 2, 3));
        int old = cluster.electLeader();
        cluster.write(old, "before");
        cluster.cutOff.add(old);

        assertTrue(cluster.cores.get(old).readIndex(42), "it still believes it leads");
        cluster.drain(old);
        int fresh = cluster.electLeader();
        long newer = cluster.write(fresh, "after the partition");
        assertTrue(newer > 0);
        cluster.tick(100);

        assertEquals(List.of(), cluster.ready.get(old), "the stale leader must not answer: ZOOKEEPER-1675");
        assertTrue(cluster.cores.get(old).role() != Role.LEADING, "and it steps down for lack of a quorum");
    }

    @Test
    void aBurstOfReadsCostsAtMostTwoPingRoundsAndIsReleasedInOrder() {
        CoreCluster cluster = new CoreCluster(List.of(1, 2, 3));
        int leader = cluster.electLeader();
        cluster.sentFromTo.clear();
        for (long readId = 1; readId <= 100; readId++) {
            assertTrue(cluster.cores.get(leader).readIndex(readId));
        }
        cluster.drain(leader);
        cluster.deliverAll();

        List<Long> released = cluster.ready.get(leader).stream().map(Effect.ReadReady::readId).toList();
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 100).boxed().toList(), released);
        long pingsSent = cluster.sentFromTo.stream().filter(fromTo -> fromTo[0] == leader).count();
        assertTrue(pingsSent <= 4, "two rounds to two followers at most, got " + pingsSent);
    }

    @Test
    void aFollowerWhoseLinkToTheLeaderDropsLooksAtOnceAndOthersIgnoreIt() {
        CoreCluster cluster = new CoreCluster(List.of(1, 2, 3));
        int leader = cluster.electLeader();
        int follower = leader == 1 ? 2 : 1;
        int other = 6 - leader - follower;
        cluster.cores.get(follower).linkLost(other);
        assertEquals(Role.FOLLOWING, cluster.cores.get(follower).role(), "a link to another follower does not matter");
        cluster.cores.get(leader).linkLost(follower);
        assertEquals(Role.LEADING, cluster.cores.get(leader).role(), "a leader keeps counting on its quorum timeout");
        cluster.cores.get(follower).linkLost(leader);
        assertEquals(Role.LOOKING, cluster.cores.get(follower).role(), "no waiting for followerTimeoutTicks");
        cluster.drain(follower);
        cluster.deliverAll();
        assertEquals(Role.FOLLOWING, cluster.cores.get(follower).role(), "the leader is still there: it rejoins it");
    }

    @Test
    void aLostRoundIsRepairedByTheNextHeartbeat() {
        CoreCluster cluster = new CoreCluster(List.of(1, 2, 3));
        int leader = cluster.electLeader();
        assertTrue(cluster.cores.get(leader).readIndex(5));
        cluster.drain(leader);
        cluster.wire.clear(); // the round's pings are lost
        assertEquals(List.of(), cluster.ready.get(leader));

        cluster.tick(ZabConfig.defaults(1, List.of(1, 2, 3)).heartbeatTicks());
        assertEquals(1, cluster.ready.get(leader).size(), "released once a heartbeat carried the round");
        assertEquals(5, cluster.ready.get(leader).get(0).readId());
    }
}
