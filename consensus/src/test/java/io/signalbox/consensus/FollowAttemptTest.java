package io.signalbox.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.message.ZabMessage.AckEpoch;
import io.signalbox.consensus.message.ZabMessage.AckNewLeader;
import io.signalbox.consensus.message.ZabMessage.Commit;
import io.signalbox.consensus.message.ZabMessage.FollowerInfo;
import io.signalbox.consensus.message.ZabMessage.LeaderInfo;
import io.signalbox.consensus.message.ZabMessage.NewLeader;
import io.signalbox.consensus.message.ZabMessage.Notification;
import io.signalbox.consensus.message.ZabMessage.Ping;
import io.signalbox.consensus.message.ZabMessage.Proposal;
import io.signalbox.consensus.message.ZabMessage.SyncDiff;
import io.signalbox.consensus.message.ZabMessage.UpToDate;
import io.signalbox.consensus.message.ZabMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A follower that rejoins the same leader keeps the same epoch, so only the follow attempt
 * tells that leader's messages to its earlier attempts apart. Seeds 30004202 and 30004518 of
 * the 7-node sweep: a late up-to-date ping of an earlier attempt let a follower serve while the
 * leader, which had lost its NEWLEADER ack, still counted it as syncing, and it never caught up.
 */
class FollowAttemptTest {
    private static final int LEADER = 3;
    private static final long EPOCH = 2;
    private static final Txn FIRST = new Txn(Zxid.of(1, 1), "a".getBytes(StandardCharsets.UTF_8));

    private final SplittableRandom random = new SplittableRandom(1);
    private final ZabCore core = ZabCore.create(ZabConfig.defaults(1, List.of(1, 2, 3)), RecoveredState.EMPTY, random::nextLong);
    private long writes;

    /** Follows leader 3 through discovery and a DIFF; returns the attempt, with NEWLEADER acked. */
    private long followAndAckNewLeader(long round) {
        core.receive(2, new Notification(round, Role.FOLLOWING, LEADER, Zxid.ZERO, 1));
        core.receive(LEADER, new Notification(round, Role.LEADING, LEADER, Zxid.ZERO, 1));
        long attempt = sent(core.takeEffects()).stream().filter(m -> m instanceof FollowerInfo)
                .map(m -> ((FollowerInfo) m).attempt()).findFirst().orElseThrow();
        core.receive(LEADER, new LeaderInfo(attempt, EPOCH));
        assertTrue(reportWrites().get(0) instanceof AckEpoch, "ACKEPOCH once the promise is durable");
        long last = core.view().lastZxid();
        core.receive(LEADER, new SyncDiff(attempt, EPOCH, last));
        if (last == Zxid.ZERO) {
            core.receive(LEADER, new Proposal(EPOCH, Zxid.ZERO, List.of(FIRST)));
        }
        core.receive(LEADER, new NewLeader(attempt, EPOCH, FIRST.zxid()));
        List<ZabMessage> acks = reportWrites();
        assertEquals(List.of(new AckNewLeader(attempt, EPOCH, FIRST.zxid())), acks);
        return attempt;
    }

    private List<ZabMessage> reportWrites() {
        List<ZabMessage> sent = new java.util.ArrayList<>();
        for (List<Effect> effects = core.takeEffects(); !effects.isEmpty(); effects = core.takeEffects()) {
            for (Effect effect : effects) {
                if (effect instanceof Effect.DurableWrite) {
                    core.written(++writes);
                } else if (effect instanceof Effect.Send send && send.to() == LEADER) {
                    sent.add(send.message());
                }
            }
        }
        return sent;
    }

    private static List<ZabMessage> sent(List<Effect> effects) {
        return effects.stream().filter(e -> e instanceof Effect.Send send && send.to() == LEADER)
                .map(e -> ((Effect.Send) e).message()).toList();
    }

    @Test
    void onlyThisAttemptsUpToDateLetsAFollowerServeAndANotUpToDatePingGetsTheAckAgain() {
        long earlier = followAndAckNewLeader(1);
        core.receive(LEADER, new UpToDate(earlier, EPOCH, FIRST.zxid()));
        assertTrue(core.established(), "the first attempt is up to date");

        core.linkLost(LEADER);
        reportWrites();
        long attempt = followAndAckNewLeader(2); // this NEWLEADER ack is lost on the way
        assertFalse(attempt == earlier);

        core.receive(LEADER, new Ping(earlier, EPOCH, FIRST.zxid(), true, 4));
        core.receive(LEADER, new UpToDate(earlier, EPOCH, FIRST.zxid()));
        core.receive(LEADER, new Commit(EPOCH, FIRST.zxid()));
        assertFalse(core.established(), "late messages of the earlier attempt say nothing of this one");
        reportWrites();

        core.receive(LEADER, new Ping(attempt, EPOCH, FIRST.zxid(), false, 0));
        assertTrue(reportWrites().contains(new AckNewLeader(attempt, EPOCH, FIRST.zxid())),
                "a ping that is not up to date means the leader has not counted our ack: send it again");
        core.receive(LEADER, new NewLeader(earlier, EPOCH, FIRST.zxid()));
        assertFalse(reportWrites().stream().anyMatch(m -> m instanceof AckNewLeader), "an earlier attempt's NEWLEADER is not acked");

        core.receive(LEADER, new Ping(attempt, EPOCH, FIRST.zxid(), true, 0));
        assertTrue(core.established(), "this attempt's up-to-date ping does");
    }

    @Test
    void aLostNewLeaderIsSentAgainBeforeTheFollowerGivesUp() {
        assertRejoinsWithoutTimingOut(NewLeader.class);
    }

    @Test
    void aLostNewLeaderAckIsSentAgainBeforeTheFollowerGivesUp() {
        assertRejoinsWithoutTimingOut(AckNewLeader.class);
    }

    private static void assertRejoinsWithoutTimingOut(Class<? extends ZabMessage> lost) {
        CoreCluster cluster = new CoreCluster(List.of(1, 2, 3));
        int leader = cluster.electLeader();
        int follower = leader == 1 ? 2 : 1;
        cluster.write(leader, "before");
        AtomicInteger losses = new AtomicInteger();
        cluster.lose = (from, send) -> lost.isInstance(send.message()) && losses.getAndIncrement() == 0;
        cluster.cores.get(follower).linkLost(leader);
        cluster.drain(follower);
        cluster.deliverAll();
        assertEquals(1, losses.get(), "the first " + lost.getSimpleName() + " was lost");
        assertFalse(cluster.cores.get(follower).established());

        ZabConfig config = ZabConfig.defaults(1, List.of(1, 2, 3));
        cluster.tick(config.retransmitTicks() + config.heartbeatTicks());
        assertTrue(cluster.cores.get(follower).established(), "rejoined within a retransmit: " + cluster.roleChanges);
        assertTrue(cluster.roleChanges.stream().noneMatch(change -> change.contains("not synced")), cluster.roleChanges.toString());
        long written = cluster.write(leader, "after");
        cluster.tick(1);
        assertEquals(written, cluster.cores.get(follower).view().lastDeliveredZxid(), "and it delivers what follows");
    }
}
