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
}
