package io.signalbox.simulation.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.simulation.history.Op.Kind;
import io.signalbox.simulation.history.Op.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-made histories that are and are not linearizable; the checker must tell them apart. */
class LinearizabilityCheckerTest {
    private long ids;

    private Op write(int process, String key, long value, long from, long to) {
        return new Op(++ids, process, key, Kind.WRITE, Outcome.OK, value, 0, 0, from, to);
    }

    private Op read(int process, String key, long value, long from, long to) {
        return new Op(++ids, process, key, Kind.READ, Outcome.OK, value, 0, 0, from, to);
    }

    private Op cas(int process, String key, long expected, long value, Outcome outcome, long from, long to) {
        return new Op(++ids, process, key, Kind.CAS, outcome, value, expected, 0, from, outcome == Outcome.INFO ? Long.MAX_VALUE : to);
    }

    private Op lostWrite(int process, String key, long value, long from) {
        return new Op(++ids, process, key, Kind.WRITE, Outcome.INFO, value, 0, 0, from, Long.MAX_VALUE);
    }

    private static LinearizabilityChecker.Result check(List<Op> history) {
        return LinearizabilityChecker.check(history, Map.of());
    }

    @Test
    void sequentialAndConcurrentHistoriesThatHaveAnOrderPass() {
        assertTrue(check(List.of(write(1, "k", 5, 0, 10), read(2, "k", 5, 20, 30))).linearizable());
        // A read concurrent with a write may see either value.
        assertTrue(check(List.of(write(1, "k", 5, 0, 100), read(2, "k", 0, 10, 20), read(3, "k", 5, 30, 40))).linearizable());
        // Writes whose intervals overlap may land in either order.
        assertTrue(check(List.of(write(1, "k", 1, 0, 50), write(2, "k", 2, 10, 60), read(3, "k", 1, 70, 80))).linearizable());
        assertTrue(check(List.of(write(1, "k", 1, 0, 10), cas(2, "k", 1, 2, Outcome.OK, 20, 30), cas(3, "k", 1, 3, Outcome.FAIL, 40, 50),
                read(1, "k", 2, 60, 70))).linearizable());
    }

    @Test
    void aStaleReadFails() {
        LinearizabilityChecker.Result result = check(List.of(write(1, "k", 1, 0, 10), write(1, "k", 2, 20, 30), read(2, "k", 1, 40, 50)));
        assertFalse(result.linearizable());
        assertEquals("k", result.key());
        assertTrue(result.explanation().contains("read 1"), result.explanation());
        assertTrue(result.window().stream().anyMatch(op -> op.kind() == Kind.READ && op.value() == 1), result.window().toString());
    }

    @Test
    void aLostAcknowledgedWriteFails() {
        // Acknowledged at 10, yet a read after it sees the value from before.
        assertFalse(check(List.of(write(1, "k", 7, 0, 10), read(2, "k", 0, 20, 30))).linearizable());
    }

    @Test
    void aWriteVisibleThenGoneFails() {
        assertFalse(check(List.of(write(1, "k", 1, 0, 10), write(2, "k", 2, 0, 100), read(3, "k", 2, 20, 30),
                read(3, "k", 1, 40, 50))).linearizable());
    }

    @Test
    void anUnknownOutcomeMayHappenLateOrNever() {
        assertTrue(check(List.of(lostWrite(1, "k", 9, 0), read(2, "k", 0, 10, 20), read(2, "k", 9, 30, 40))).linearizable(),
                "took effect late");
        assertTrue(check(List.of(lostWrite(1, "k", 9, 0), read(2, "k", 0, 10, 20), read(2, "k", 0, 30, 40))).linearizable(),
                "never took effect");
        assertFalse(check(List.of(lostWrite(1, "k", 9, 50), read(2, "k", 9, 10, 20))).linearizable(), "but not before it was invoked");
        assertTrue(check(List.of(write(1, "k", 1, 0, 10), cas(2, "k", 1, 2, Outcome.INFO, 20, 0), read(3, "k", 2, 40, 50))).linearizable());
    }

    @Test
    void aConflictIsAnObservation() {
        assertFalse(check(List.of(write(1, "k", 1, 0, 10), cas(2, "k", 1, 2, Outcome.FAIL, 20, 30))).linearizable(),
                "the register certainly held 1: the CAS could not fail");
    }

    @Test
    void keysAreIndependentAndTheBrokenOneIsNamed() {
        LinearizabilityChecker.Result result = check(List.of(write(1, "a", 1, 0, 10), read(2, "a", 1, 20, 30),
                write(1, "b", 1, 0, 10), write(1, "b", 2, 20, 30), read(2, "b", 1, 40, 50)));
        assertFalse(result.linearizable());
        assertEquals("b", result.key());
    }

    @Test
    void aLongRandomHistoryFromARealRegisterPassesAndOneCorruptedReadFails() {
        List<Op> history = new ArrayList<>(RegisterHistories.random(42, 4_000, 4, 4));
        LinearizabilityChecker.Result ok = check(history);
        assertTrue(ok.linearizable() && ok.complete(), ok.explanation());
        Op last = history.get(history.size() - 1);
        for (int i = history.size() - 1; i >= 0; i--) {
            Op op = history.get(i);
            if (op.kind() == Kind.READ && op.value() > 1) {
                history.set(i, new Op(op.id(), op.process(), op.key(), Kind.READ, Outcome.OK, 1, 0, 0, op.invokeNanos(), op.completeNanos()));
                break;
            }
        }
        assertFalse(check(history).linearizable(), "a read of a long-overwritten value " + last);
    }
}
