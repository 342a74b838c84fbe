package io.signalbox.simulation.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Histories of real registers for testing and timing the checker: operations on a few keys
 * by concurrent processes with overlapping intervals, each taking effect at an instant inside
 * its interval, so every history produced is linearizable.
 */
public final class RegisterHistories {
    private RegisterHistories() {}

    public static List<Op> random(long seed, int operations, int keys, int processes) {
        Random random = new Random(seed);
        long[] register = new long[keys];
        List<Op> history = new ArrayList<>(operations);
        long clock = 0;
        long next = 1;
        for (int i = 0; i < operations; i++) {
            int key = random.nextInt(keys);
            long invoke = clock;
            long at = clock + 1 + random.nextInt(5);
            long complete = at + 1 + random.nextInt(5);
            clock += 3;
            int process = i % processes;
            if (random.nextBoolean()) {
                register[key] = next;
                history.add(new Op(i + 1, process, "k" + key, Op.Kind.WRITE, Op.Outcome.OK, next++, 0, 0, invoke, complete));
            } else {
                history.add(new Op(i + 1, process, "k" + key, Op.Kind.READ, Op.Outcome.OK, register[key], 0, 0, invoke, complete));
            }
        }
        return history;
    }
}
