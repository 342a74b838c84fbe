package io.signalbox.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The window must hold exactly what a sorted map would, whatever order commands arrive and leave in. */
class SequenceWindowTest {
    @Test
    void anInsertIntoAFullArrayWhoseFrontWasForgottenLandsInOrder() {
        SequenceWindow window = new SequenceWindow();
        for (long sequence = 10; sequence <= 80; sequence += 10) {
            window.put(sequence, sequence * 100, 0);
        }
        for (int i = 0; i < 5; i++) {
            window.removeFirst();
        }
        window.put(65, 6_500, 3); // the arrays are full at their end and slide before inserting
        assertArrayEquals(new long[] {60, 65, 70, 80}, window.sequences());
        assertArrayEquals(new long[] {6_000, 6_500, 7_000, 8_000}, window.zxids());
        assertArrayEquals(new long[] {0, 3, 0, 0}, window.sessionIds());
    }

    @Test
    void itAgreesWithASortedMapUnderRandomAppendsInsertsReplacementsAndForgetting() {
        SplittableRandom random = new SplittableRandom(11);
        SequenceWindow window = new SequenceWindow();
        TreeMap<Long, Long> expected = new TreeMap<>();
        long next = 1;
        for (int step = 0; step < 200_000; step++) {
            int action = random.nextInt(10);
            if (action < 6) {
                long sequence = next + random.nextInt(4) - 2; // mostly appends, some behind the last
                next = Math.max(next, sequence + 1);
                window.put(sequence, sequence * 7 + step, 0);
                expected.put(sequence, sequence * 7 + step);
            } else if (!expected.isEmpty() && action < 9) {
                window.removeFirst();
                expected.pollFirstEntry();
            }
            assertEquals(expected.size(), window.size());
            if (!expected.isEmpty()) {
                assertEquals(expected.firstKey(), window.first());
                assertEquals(expected.lastKey(), window.last());
            }
        }
        assertArrayEquals(expected.keySet().stream().mapToLong(Long::longValue).toArray(), window.sequences());
        assertArrayEquals(expected.values().stream().mapToLong(Long::longValue).toArray(), window.zxids());
        for (long sequence = next - 50; sequence < next; sequence++) {
            Long zxid = expected.get(sequence);
            if (zxid == null) {
                assertNull(window.applied(sequence));
            } else {
                assertEquals(zxid, window.applied(sequence).zxid());
            }
        }
    }

    @Test
    void aWindowLaidDownFromASnapshotHoldsItsRangeAndGoesOnLikeOneBuiltByAppends() {
        long[] sequences = {4, 5, 7, 9, 12};
        long[] zxids = {40, 50, 70, 90, 120};
        long[] sessionIds = {0, 2, 0, 0, 6};
        SequenceWindow laid = new SequenceWindow(sequences, zxids, sessionIds, 1, 5);
        SequenceWindow appended = new SequenceWindow();
        for (int i = 1; i < 5; i++) {
            appended.put(sequences[i], zxids[i], sessionIds[i]);
        }
        SplittableRandom random = new SplittableRandom(5);
        for (int step = 0; step < 5_000; step++) {
            if (random.nextInt(3) == 0 && laid.size() > 0) {
                laid.removeFirst();
                appended.removeFirst();
            } else {
                long sequence = laid.isEmpty() ? 20 : laid.last() + random.nextInt(3) - 1;
                laid.put(sequence, sequence * 10, step);
                appended.put(sequence, sequence * 10, step);
            }
            assertArrayEquals(appended.sequences(), laid.sequences());
        }
        assertArrayEquals(appended.zxids(), laid.zxids());
        assertArrayEquals(appended.sessionIds(), laid.sessionIds());
        sequences[2] = 4;
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SequenceWindow(sequences, zxids, sessionIds, 0, 5));
        assertEquals("sequences must ascend: 5 then 4 at 2", refused.getMessage());
    }
}
