package io.signalbox.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.common.Zxid;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Quorums count voters of the membership in force, and nobody else. */
class MembershipTest {
    private final Membership fiveWithObservers = new Membership(Zxid.of(3, 7), List.of(5, 1, 2, 3, 4), List.of(9, 8));

    @Test
    void onlyVotersMakeAQuorum() {
        assertTrue(fiveWithObservers.isQuorum(List.of(1, 2, 3)));
        assertFalse(fiveWithObservers.isQuorum(List.of(1, 2, 8, 9)), "observers never count");
        assertFalse(fiveWithObservers.isQuorum(List.of(1, 2, 42)), "nor do strangers");
        assertTrue(Membership.bootstrap(List.of(1, 2, 3)).isQuorum(List.of(3, 1)));
    }

    @Test
    void theCommitPointIsTheVotersMajorityAck() {
        // voters acked 10, 9, 8, 1 and nothing; observers acked more, which must not matter
        Map<Integer, Long> acks = Map.of(1, 10L, 2, 9L, 3, 8L, 4, 1L, 8, 50L, 9, 50L);
        assertEquals(8L, fiveWithObservers.commitPoint(acks));
        assertEquals(0L, fiveWithObservers.commitPoint(Map.of(1, 10L, 8, 10L, 9, 10L)));
    }

    @Test
    void badMembershipsAreRefusedNamingWhatIsWrong() {
        assertEquals("voters must number 3 to 7, got 2: [1, 2]",
                assertThrows(IllegalArgumentException.class, () -> Membership.bootstrap(List.of(2, 1))).getMessage());
        assertEquals("voters must number 3 to 7, got 8: [1, 2, 3, 4, 5, 6, 7, 8]",
                assertThrows(IllegalArgumentException.class, () -> Membership.bootstrap(List.of(1, 2, 3, 4, 5, 6, 7, 8))).getMessage());
        // 4 and 6 voters are the steps of a one-voter-at-a-time change: a majority of 4 is 3
        assertTrue(Membership.bootstrap(List.of(1, 2, 3, 4)).isQuorum(List.of(1, 2, 3)));
        assertTrue(!Membership.bootstrap(List.of(1, 2, 3, 4)).isQuorum(List.of(1, 2)));
        assertEquals("2 is both a voter and an observer",
                assertThrows(IllegalArgumentException.class, () -> new Membership(0, List.of(1, 2, 3), List.of(2))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Membership(0, List.of(0, 2, 3), List.of())).getMessage()
                .startsWith("member ids must be positive"));
        List<Integer> tooMany = java.util.stream.IntStream.rangeClosed(10, 10 + Membership.OBSERVERS_MAX).boxed().toList();
        assertEquals("at most 32 observers, got 33",
                assertThrows(IllegalArgumentException.class, () -> new Membership(0, List.of(1, 2, 3), tooMany)).getMessage());
    }

    @Test
    void membersAreVotersAndObservers() {
        assertTrue(fiveWithObservers.isVoter(5) && !fiveWithObservers.isVoter(8));
        assertTrue(fiveWithObservers.isMember(8) && !fiveWithObservers.isMember(6));
        assertEquals(List.of(1, 2, 3, 4, 5), fiveWithObservers.voters());
        assertEquals(List.of(8, 9), fiveWithObservers.observers());
    }
}
