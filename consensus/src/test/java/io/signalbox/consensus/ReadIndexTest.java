package io.signalbox.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Linearizable reads: a read is released only after a quorum round that began after it. */
class ReadIndexTest {
    /** Three cores with instant disks and a network that can cut nodes off; no time, no threads. */
    private static final class Cluster {
        final Map<Integer, ZabCore> cores = new TreeMap<>();
        final ArrayDeque<Effect.Send> wire = new ArrayDeque<>();
        final List<int[]> sentFromTo = new ArrayList<>();
        final Map<Integer, List<Effect.ReadReady>> ready = new TreeMap<>();
        final Set<Integer> cutOff = new HashSet<>();
        final Map<Effect.Send, Integer> senders = new java.util.IdentityHashMap<>();

        Cluster() {
            for (int id = 1; id <= 3; id++) {
                SplittableRandom random = new SplittableRandom(id);
                cores.put(id, ZabCore.create(ZabConfig.defaults(id, List.of(1, 2, 3)), RecoveredState.EMPTY, random::nextLong));
                ready.put(id, new ArrayList<>());
                drain(id);
            }
        }

        void drain(int id) {
            ZabCore core = cores.get(id);
            List<Effect> effects;
            while (!(effects = core.takeEffects()).isEmpty()) {
                for (Effect effect : effects) {
                    if (effect instanceof Effect.Send send) {
                        senders.put(send, id);
                        wire.add(send);
                    } else if (effect instanceof Effect.DurableWrite write) {
                        core.written(write.writeId());
                    } else if (effect instanceof Effect.ReadReady read) {
                        ready.get(id).add(read);
                    }
                }
            }
        }

        void deliverAll() {
            for (int i = 0; i < 100_000 && !wire.isEmpty(); i++) {
                Effect.Send send = wire.poll();
                int from = senders.remove(send);
                if (cutOff.contains(from) || cutOff.contains(send.to())) {
                    continue;
                }
                sentFromTo.add(new int[] {from, send.to()});
                cores.get(send.to()).receive(from, send.message());
                drain(send.to());
            }
        }

        void tick(int times) {
            for (int t = 0; t < times; t++) {
                for (int id : cores.keySet()) {
                    cores.get(id).tick();
                    drain(id);
                }
                deliverAll();
            }
        }

        int leader() {
            for (Map.Entry<Integer, ZabCore> e : cores.entrySet()) {
                if (e.getValue().role() == Role.LEADING && e.getValue().established() && !cutOff.contains(e.getKey())) {
                    return e.getKey();
                }
            }
            return 0;
        }

        int electLeader() {
            for (int t = 0; t < 2_000 && leader() == 0; t++) {
                tick(1);
            }
            int leader = leader();
            assertTrue(leader != 0, "a leader within 2,000 ticks");
            return leader;
        }

        long write(int leader, String value) {
            ProposeResult result = cores.get(leader).propose(value.getBytes(StandardCharsets.UTF_8));
            drain(leader);
            deliverAll();
            return ((ProposeResult.Accepted) result).zxid();
        }
    }

    @Test
    void aReadIsReleasedOnlyAfterAFollowerAcksARoundSentAfterIt() {
        Cluster cluster = new Cluster();
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
        Cluster cluster = new Cluster();
        int leader = cluster.electLeader();
        for (int id = 1; id <= 3; id++) {
            if (id != leader) {
                assertFalse(cluster.cores.get(id).readIndex(1), "follower " + id);
            }
        }
    }

    @Test
    void aLeaderCutOffFromItsFollowersNeverReleasesAReadEvenAfterANewerLeaderCommits() {
        Cluster cluster = new Cluster();
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
        Cluster cluster = new Cluster();
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
        Cluster cluster = new Cluster();
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
        Cluster cluster = new Cluster();
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
