package io.signalbox.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Session deadlines in ticks, and the path from a missed deadline to its servers being removed. */
class SessionTrackerTest {
    private final SessionTracker tracker = new SessionTracker(50);

    private void ticks(int count) {
        for (int i = 0; i < count; i++) {
            tracker.tick();
        }
    }

    @Test
    void aSessionExpiresAfterItsTimeoutWithoutKeepAlives() {
        tracker.track(1, 1_000); // 20 ticks of 50 ms
        ticks(20);
        assertEquals(List.of(), tracker.expired(), "not before the deadline has passed");
        ticks(1);
        assertEquals(List.of(1L), tracker.expired());
    }

    @Test
    void keepAlivesMoveTheDeadlineAndUnknownSessionsAreReported() {
        tracker.track(1, 1_000);
        ticks(15);
        assertEquals(true, tracker.touch(1));
        ticks(15);
        assertEquals(List.of(), tracker.expired());
        ticks(6);
        assertEquals(List.of(1L), tracker.expired());
        assertFalse(tracker.touch(99));
    }

    @Test
    void expiredSessionsComeOldestDeadlineFirstAndForgetStopsTracking() {
        tracker.track(5, 100);
        tracker.track(3, 500);
        tracker.track(4, 100);
        ticks(20);
        assertEquals(List.of(4L, 5L, 3L), tracker.expired());
        tracker.forget(4);
        assertEquals(List.of(5L, 3L), tracker.expired());
    }

    @Test
    void aNewLeaderGivesEveryOpenSessionAFullTimeout() {
        tracker.track(1, 1_000);
        ticks(30);
        tracker.resetAll(List.of(new Session(1, 1_000, 7), new Session(2, 2_000, 8)));
        assertEquals(List.of(), tracker.expired());
        ticks(21);
        assertEquals(List.of(1L), tracker.expired());
    }

    @Test
    void theLeaderProposesExpiryAndTheSessionsServersGoOnEveryReplica() {
        LbStateMachine leader = new LbStateMachine(Limits.DEFAULTS, 100);
        LbStateMachine follower = new LbStateMachine(Limits.DEFAULTS, 100);
        List<Command> setup = List.of(Fixtures.service("web", 8080), new Command.OpenSession(1_000),
                Fixtures.ephemeral("web", "self", "10.0.0.7", 1));
        for (Command command : setup) {
            List<StateEvent> events = leader.prepare(command);
            long zxid = Fixtures.next(leader);
            leader.apply(zxid, events);
            follower.apply(zxid, events);
        }
        tracker.track(1, 1_000);
        ticks(21);
        for (long expired : tracker.expired()) {
            List<StateEvent> events = leader.prepare(new Command.ExpireSession(expired));
            long zxid = Fixtures.next(leader);
            leader.apply(zxid, events);
            follower.apply(zxid, events);
            tracker.forget(expired);
        }
        assertEquals(List.of(), follower.servers("web"));
        assertEquals(leader.digest(), follower.digest());
    }

    @Test
    void aBadTickLengthIsRefused() {
        assertEquals("tickMs must be in 1..60000, got 0",
                assertThrows(IllegalArgumentException.class, () -> new SessionTracker(0)).getMessage());
    }
}
