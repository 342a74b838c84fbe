package io.signalbox.consensus.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.ConfigurationEntry;
import io.signalbox.consensus.Membership;
import io.signalbox.consensus.RecoveredState;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import io.signalbox.consensus.ZabConfig;
import io.signalbox.consensus.ZabCore;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The membership in force per zxid: in force on append, undone only by truncation, kept across snapshots. */
class HistoryMembershipTest {
    private static final Membership BOOTSTRAP = Membership.bootstrap(List.of(1, 2, 3));

    private static Txn command(long zxid) {
        return new Txn(zxid, new byte[] {8, 1});
    }

    private static Txn configuration(long zxid, List<Integer> voters) {
        return new Txn(zxid, ConfigurationEntry.encode(voters, List.of(), new byte[] {42}));
    }

    @Test
    void aConfigurationEntryIsInForceFromItsAppendAndATruncationBelowItRestoresTheOneBefore() {
        History history = new History(Snapshot.GENESIS, List.of(command(Zxid.of(1, 1))), BOOTSTRAP);
        assertEquals(BOOTSTRAP, history.inForce());
        history.append(configuration(Zxid.of(1, 2), List.of(1, 2, 3, 4)));
        history.append(command(Zxid.of(1, 3)));
        assertEquals(List.of(1, 2, 3, 4), history.inForce().voters());
        assertEquals(Zxid.of(1, 2), history.inForce().zxid());
        assertEquals(BOOTSTRAP, history.membershipAt(Zxid.of(1, 1)));
        assertEquals(Zxid.of(1, 2), history.configurationAbove(Zxid.of(1, 1)));
        assertEquals(-1, history.configurationAbove(Zxid.of(1, 2)));

        history.truncateAfter(Zxid.of(1, 2)); // keeps the entry itself
        assertEquals(List.of(1, 2, 3, 4), history.inForce().voters());
        history.truncateAfter(Zxid.of(1, 1));
        assertEquals(BOOTSTRAP, history.inForce());
        assertEquals(-1, history.configurationAbove(Zxid.ZERO));
    }

    @Test
    void compactionRecordsTheMembershipAtTheSnapshotWhateverTheWriterSaid() {
        History history = new History(Snapshot.GENESIS, List.of(
                configuration(Zxid.of(1, 1), List.of(1, 2, 3, 4)), command(Zxid.of(1, 2)),
                configuration(Zxid.of(1, 3), List.of(1, 2, 3, 4, 5))), BOOTSTRAP);
        history.compact(new Snapshot(Zxid.of(1, 2), new byte[] {1}));
        assertEquals(List.of(1, 2, 3, 4), history.snapshot().membership().voters());
        assertEquals(Zxid.of(1, 1), history.snapshot().membership().zxid());
        assertEquals(List.of(1, 2, 3, 4, 5), history.inForce().voters());
        history.truncateAfter(Zxid.of(1, 2));
        assertEquals(List.of(1, 2, 3, 4), history.inForce().voters()); // the snapshot's, though its entry is gone
    }

    @Test
    void anInstalledSnapshotBringsItsMembershipAndOneWithoutMeansTheBootstrap() {
        History history = new History(Snapshot.GENESIS, List.of(configuration(Zxid.of(1, 1), List.of(1, 2, 3, 4))), BOOTSTRAP);
        Membership five = new Membership(Zxid.of(2, 4), List.of(1, 2, 3, 4, 5), List.of());
        history.installSnapshot(new Snapshot(Zxid.of(2, 7), new byte[0], five), BOOTSTRAP);
        assertEquals(five, history.inForce());
        history.installSnapshot(new Snapshot(Zxid.of(2, 9), new byte[0]), BOOTSTRAP);
        assertEquals(BOOTSTRAP, history.inForce());
    }

    @Test
    void theEntryEncodingRoundTripsAndRefusesWhatItCannotRead() {
        Txn txn = new Txn(Zxid.of(3, 1), ConfigurationEntry.encode(List.of(5, 1, 300), List.of(9), new byte[] {1, 2}));
        assertTrue(ConfigurationEntry.isConfiguration(txn.payload()));
        assertEquals(new Membership(Zxid.of(3, 1), List.of(1, 5, 300), List.of(9)), ConfigurationEntry.membership(txn));
        assertArrayEquals(new byte[] {1, 2}, ConfigurationEntry.nodeBlob(txn));
        byte[] truncated = java.util.Arrays.copyOf(txn.payload(), 4);
        assertEquals("configuration entry 3:1 is truncated at byte 4", assertThrows(IllegalArgumentException.class,
                () -> ConfigurationEntry.membership(new Txn(Zxid.of(3, 1), truncated))).getMessage());
        assertEquals("txn 3:2 is not a configuration entry", assertThrows(IllegalArgumentException.class,
                () -> ConfigurationEntry.membership(command(Zxid.of(3, 2)))).getMessage());
    }

    @Test
    void proposeRefusesAPayloadInTheCoresReservedEncoding() {
        SplittableRandom random = new SplittableRandom(1);
        ZabCore core = ZabCore.create(ZabConfig.defaults(1, List.of(1, 2, 3)), RecoveredState.EMPTY, random::nextLong);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> core.propose(new byte[] {0, 1}));
        assertTrue(refused.getMessage().startsWith("a payload must not start with byte 0x00"), refused.getMessage());
        assertEquals(0, core.view().lastZxid());
    }

    @Test
    void aCoreRecoversTheMembershipOfItsSnapshotAndLog() {
        SplittableRandom random = new SplittableRandom(1);
        Membership four = new Membership(Zxid.of(1, 2), List.of(1, 2, 3, 4), List.of());
        RecoveredState recovered = new RecoveredState(1, 1, new Snapshot(Zxid.of(1, 3), new byte[0], four),
                List.of(configuration(Zxid.of(1, 4), List.of(1, 2, 3, 4, 5))));
        ZabCore core = ZabCore.create(ZabConfig.defaults(1, List.of(1, 2, 3)), recovered, random::nextLong);
        assertEquals(List.of(1, 2, 3, 4, 5), core.membership().voters());
        assertEquals(four, core.membershipAt(Zxid.of(1, 3)));
        // a message from an id outside the configuration in force is dropped, not thrown
        core.receive(6, new io.signalbox.consensus.message.ZabMessage.FollowerInfo(1, 1, Zxid.ZERO));
        assertEquals(List.of(), core.takeEffects().stream().filter(e -> e instanceof io.signalbox.consensus.Effect.Send s && s.to() == 6).toList());
    }
}
