package io.signalbox.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.message.ZabMessage.Ack;
import io.signalbox.consensus.message.ZabMessage.AckEpoch;
import io.signalbox.consensus.message.ZabMessage.AckNewLeader;
import io.signalbox.consensus.message.ZabMessage.FollowerInfo;
import io.signalbox.consensus.message.ZabMessage.LeaderInfo;
import io.signalbox.consensus.message.ZabMessage.NewLeader;
import io.signalbox.consensus.message.ZabMessage.Notification;
import io.signalbox.consensus.message.ZabMessage.Proposal;
import io.signalbox.consensus.message.ZabMessage.SyncDiff;
import io.signalbox.consensus.message.ZabMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * One follower core driven by hand, with the storage's reports given by hand: every message
 * that vouches for data leaves only once the write that makes that data durable is reported
 * (ZOOKEEPER-3911, 4643, 335), however late the report comes.
 */
class FollowerDurabilityOrderTest {
    private static final Txn FIRST = new Txn(Zxid.of(1, 1), "a".getBytes(StandardCharsets.UTF_8));
    private static final Txn SECOND = new Txn(Zxid.of(1, 2), "b".getBytes(StandardCharsets.UTF_8));

    private ZabCore core;
    private long attempt;

    private List<Effect> joinLeaderThreeAndSync(Set<Bug> bugs) {
        SplittableRandom random = new SplittableRandom(1);
        core = ZabCore.withBugsForSimulation(ZabConfig.defaults(1, List.of(1, 2, 3)), RecoveredState.EMPTY, random::nextLong, bugs);
        core.takeEffects();
        // Nodes 2 and 3 already follow / lead 3: a quorum outside the election, and 3 says it leads.
        core.receive(2, new Notification(1, Role.FOLLOWING, 3, Zxid.ZERO, 1));
        core.receive(3, new Notification(1, Role.LEADING, 3, Zxid.ZERO, 1));
        FollowerInfo info = (FollowerInfo) sentTo(3, core.takeEffects()).get(0);
        attempt = info.attempt();

        core.receive(3, new LeaderInfo(attempt, 2));
        assertEquals(List.of(new Effect.PersistEpochs(1, 2, 0)), core.takeEffects(), "the promise first, and nothing else yet");
        core.written(1);
        List<Effect> discovery = core.takeEffects();
        assertEquals(1, discovery.size(), discovery.toString());
        assertTrue(sentTo(3, discovery).get(0) instanceof AckEpoch, "ACKEPOCH once the promise is durable");

        core.receive(3, new SyncDiff(attempt, 2, Zxid.ZERO));
        core.receive(3, new Proposal(2, Zxid.ZERO, List.of(FIRST, SECOND)));
        core.receive(3, new NewLeader(attempt, 2, SECOND.zxid()));
        return core.takeEffects();
    }

    @Test
    void newLeaderIsAckedOnlyAfterTheSyncedTxnsAndThenTheEpochAreDurable() {
        List<Effect> beforeDisk = joinLeaderThreeAndSync(Set.of());
        assertEquals(List.of(new Effect.AppendTxns(2, List.of(FIRST, SECOND))), beforeDisk,
                "nothing but the append until the disk reports back");

        core.written(1);
        assertEquals(List.of(), core.takeEffects(), "a stale report changes nothing");

        core.written(2);
        assertEquals(List.of(new Effect.PersistEpochs(3, 2, 2)), durableWrites(core.takeEffects()), "currentEpoch only after the txns");
        assertEquals(Role.FOLLOWING, core.role());

        core.written(3);
        assertEquals(List.of(new Effect.Send(3, new AckNewLeader(attempt, 2, SECOND.zxid()))), sends(core.takeEffects()),
                "and the ack only once the epoch is durable too");
    }

    @Test
    void oneLateReportReleasesEverythingHeldInOrder() {
        joinLeaderThreeAndSync(Set.of());
        core.written(2);
        core.takeEffects();
        core.receive(3, new Proposal(2, SECOND.zxid(), List.of(new Txn(Zxid.of(2, 1), new byte[] {3}))));
        assertEquals(List.of(new Effect.AppendTxns(4, List.of(new Txn(Zxid.of(2, 1), new byte[] {3})))), core.takeEffects());
        core.written(4);
        assertEquals(List.of(new Effect.Send(3, new AckNewLeader(attempt, 2, SECOND.zxid())), new Effect.Send(3, new Ack(2, Zxid.of(2, 1), 0))),
                sends(core.takeEffects()), "the NEWLEADER ack, then the ack of the later append");
    }

    @Test
    void aReportOfAWriteNeverIssuedIsRefused() {
        joinLeaderThreeAndSync(Set.of());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> core.written(9));
        assertTrue(refused.getMessage().contains("write 9") && refused.getMessage().contains("last write issued is 2"),
                refused.getMessage());
    }

    @Test
    void withTheZookeeper3911SwitchTheAckLeavesBeforeTheDisk() {
        List<Effect> effects = joinLeaderThreeAndSync(Set.of(Bug.ACK_NEWLEADER_BEFORE_PERSIST));
        assertTrue(effects.contains(new Effect.Send(3, new AckNewLeader(attempt, 2, SECOND.zxid()))), effects.toString());
    }

    @Test
    void withTheZookeeper4643SwitchTheEpochIsWrittenBeforeTheTxnsAreDurable() {
        List<Effect> effects = joinLeaderThreeAndSync(Set.of(Bug.EPOCH_BEFORE_TXNS));
        assertTrue(effects.contains(new Effect.PersistEpochs(3, 2, 2)), effects.toString());
        assertTrue(sentTo(3, effects).stream().noneMatch(m -> m instanceof AckNewLeader), "still no early ack");
    }

    @Test
    void aProposalAfterAGapIsNotAppendedAndADuplicateIsNotAppendedTwice() {
        joinLeaderThreeAndSync(Set.of());
        core.written(2);
        core.written(3);
        core.takeEffects();
        Txn fourth = new Txn(Zxid.of(2, 2), new byte[] {4});
        core.receive(3, new Proposal(2, Zxid.of(2, 1), List.of(fourth)));
        assertEquals(List.of(), core.takeEffects(), "2:1 is missing: 2:2 must wait for a retransmit");
        core.receive(3, new Proposal(2, Zxid.of(1, 1), List.of(SECOND)));
        assertEquals(List.of(), core.takeEffects(), "1:2 is already in the log");
        assertEquals(SECOND.zxid(), core.view().lastZxid());
    }

    private static List<Effect> sends(List<Effect> effects) {
        return effects.stream().filter(e -> e instanceof Effect.Send).toList();
    }

    private static List<Effect> durableWrites(List<Effect> effects) {
        return effects.stream().filter(e -> e instanceof Effect.DurableWrite).toList();
    }

    private static List<ZabMessage> sentTo(int to, List<Effect> effects) {
        List<ZabMessage> messages = new ArrayList<>();
        for (Effect effect : effects) {
            if (effect instanceof Effect.Send send && send.to() == to) {
                messages.add(send.message());
            }
        }
        return messages;
    }
}
