package io.signalbox.bench;

import io.signalbox.simulation.history.LinearizabilityChecker;
import io.signalbox.simulation.history.Op;
import io.signalbox.simulation.history.RegisterHistories;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The linearizability checker's time per history size, on generated register histories of
 * 8 keys and 8 processes with overlapping operations (linearizable by construction, so the
 * search has to finish; each size is its own seed, so a size always times the same history).
 */
public final class CheckerBench {
    static final int KEYS = 8;
    static final int PROCESSES = 8;

    /** What {@code bench checker} times: one history per size. */
    public record Settings(List<Integer> sizes) {
        public Settings {
            if (sizes.isEmpty()) {
                throw new IllegalArgumentException("--ops needs at least one history size, got none");
            }
            for (int size : sizes) {
                SettingChecks.inRange("--ops sizes", size, 1, 5_000_000);
            }
            sizes = List.copyOf(sizes);
        }
    }

    /** One timed check. */
    public record Row(int operations, double millis, long steps, boolean linearizable) {}

    private CheckerBench() {}

    /** {@code bench checker}: a line per size with the time, the search steps and the verdict, after one untimed warm-up check. */
    public static List<Row> run(PrintWriter out, Settings settings) {
        List<Row> rows = new ArrayList<>();
        for (int size : settings.sizes()) {
            List<Op> history = RegisterHistories.random(size, size, KEYS, PROCESSES);
            LinearizabilityChecker.check(history, Map.of()); // warm-up: the first check of a size includes JIT compilation
            long started = System.nanoTime();
            LinearizabilityChecker.Result result = LinearizabilityChecker.check(history, Map.of());
            Row row = new Row(size, (System.nanoTime() - started) / 1e6, result.steps(), result.linearizable());
            rows.add(row);
            out.printf("checker: %,d operations in %.1f ms (%,d search steps, linearizable=%s)%n", size, row.millis(), row.steps(),
                    row.linearizable());
            out.flush();
        }
        return rows;
    }
}
