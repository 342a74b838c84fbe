package io.signalbox.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.signalbox.common.Zxid;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZxidAndConfigTest {
    @Test
    void zxidPacksEpochAndCounter() {
        long zxid = Zxid.of(3, 17);
        assertEquals(3, Zxid.epoch(zxid));
        assertEquals(17, Zxid.counter(zxid));
        assertEquals("3:17", Zxid.format(zxid));
        assertEquals(true, Zxid.of(2, 0xffff_fffeL) < Zxid.of(3, 1), "a new epoch orders after any counter of the old one");
    }

    @Test
    void counterOutOfRangeNamesTheValue() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Zxid.of(1, 1L << 32));
        assertEquals("counter 4294967296 out of range: 0..4294967295", error.getMessage());
    }

    @Test
    void configRefusesTooFewOrTooManyVotersWithTheValue() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ZabConfig.defaults(1, List.of(1, 2)));
        assertEquals("voters must number 3 to 7, got 2: [1, 2]", error.getMessage());
        error = assertThrows(IllegalArgumentException.class, () -> ZabConfig.defaults(1, List.of(1, 2, 3, 4, 5, 6, 7, 8)));
        assertEquals("voters must number 3 to 7, got 8: [1, 2, 3, 4, 5, 6, 7, 8]", error.getMessage());
        // a node joining a cluster between two changes starts with 4 or 6 voters
        assertEquals(3, ZabConfig.defaults(4, List.of(1, 2, 3, 4)).quorumSize());
    }

    @Test
    void aSelfOutsideTheVotersStartsAsTheirObserverAndAnIdMustBePositive() {
        ZabCore observer = ZabCore.create(ZabConfig.defaults(9, List.of(1, 2, 3)), RecoveredState.EMPTY, () -> 1L);
        assertEquals(new Membership(Zxid.ZERO, List.of(1, 2, 3), List.of(9)), observer.membership());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> ZabConfig.defaults(0, List.of(1, 2, 3)));
        assertEquals("selfId must be positive, got 0", error.getMessage());
    }

    @Test
    void unknownBugSwitchListsTheAllowedOnes() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Bug.fromSwitchName("typo"));
        assertEquals("unknown bug switch 'typo'; allowed: ack-newleader-before-persist, epoch-before-txns, "
                + "async-log-after-newleader, keep-truncated-in-memory, no-accepted-epoch, commit-without-quorum, skip-truncate, snap-not-durable, change-before-established, commit-with-old-quorum, shared-client-id, refusal-without-quorum, "
                + "read-without-quorum", error.getMessage());
    }

    @Test
    void theProductionFactoryHasNoBugs() {
        ZabCore core = ZabCore.create(ZabConfig.defaults(1, List.of(1, 2, 3)), RecoveredState.EMPTY, () -> 4L);
        assertEquals(Role.LOOKING, core.view().role());
        // A fresh node looks for a leader at once: its vote goes to both peers.
        assertEquals(2, core.takeEffects().stream().filter(e -> e instanceof Effect.Send).count());
    }
}
