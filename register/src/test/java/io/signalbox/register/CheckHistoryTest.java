package io.signalbox.register;

import static io.signalbox.register.CheckHistory.Change.BECAME_HEALTHY;
import static io.signalbox.register.CheckHistory.Change.BECAME_UNHEALTHY;
import static io.signalbox.register.CheckHistory.Change.NONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rise and fall, one result at a time: no clock, no network. */
class CheckHistoryTest {
    /** Feeds "+" (pass) and "-" (fail) and returns the changes, one per result. */
    private static List<CheckHistory.Change> feed(CheckHistory history, String results) {
        List<CheckHistory.Change> changes = new ArrayList<>();
        for (char c : results.toCharArray()) {
            changes.add(history.record(c == '+'));
        }
        return changes;
    }

    @Test
    void aBackendStartsUnhealthyAndNeedsRisePassesInARow() {
        CheckHistory history = new CheckHistory(2, 3);
        assertFalse(history.healthy(), "never registered before a check passed");
        assertEquals(List.of(NONE, NONE, NONE, BECAME_HEALTHY), feed(history, "+-++"), "a failure resets the run of passes");
        assertTrue(history.healthy());
    }

    @Test
    void fallFailuresInARowMakeItUnhealthyAndAPassInBetweenResetsTheRun() {
        CheckHistory history = new CheckHistory(1, 3);
        assertEquals(List.of(BECAME_HEALTHY, NONE, NONE, NONE, NONE, NONE, BECAME_UNHEALTHY), feed(history, "+--+---"));
        assertFalse(history.healthy());
        assertEquals(3, history.failuresInRow());
        assertEquals(List.of(NONE, NONE), feed(history, "--"), "already unhealthy: more failures change nothing");
        assertEquals(List.of(BECAME_HEALTHY), feed(history, "+"), "rise 1: one pass brings it back");
        assertEquals(3, history.passes());
        assertEquals(7, history.failures());
    }

    @Test
    void riseAndFallOfOneFlipOnEveryResult() {
        CheckHistory history = new CheckHistory(1, 1);
        assertEquals(List.of(BECAME_HEALTHY, BECAME_UNHEALTHY, BECAME_HEALTHY, NONE), feed(history, "+-++"));
    }

    @Test
    void riseAndFallMustBePositive() {
        assertEquals("rise 0 and fall 3 must both be at least 1",
                assertThrows(IllegalArgumentException.class, () -> new CheckHistory(0, 3)).getMessage());
    }
}
