package io.signalbox.simulation;

import io.signalbox.consensus.Bug;
import java.util.Set;
import java.util.function.Consumer;

/** Runs consecutive seeds, hands each result to the caller, and sums them up. */
public final class SimulationRunner {
    /** What a batch of seeds found. */
    public record Summary(int seeds, int violations, long ticks, long commits, long clientOperations, long elapsedMs,
                          long firstViolatingSeed, int seedsUntilFirstViolation) {
        /** The last line of every run: {@code seeds=... violations=... ticks=... commits=... client_ops=... elapsed_ms=...}. */
        public String line() {
            long elapsed = Math.max(1, elapsedMs);
            return "seeds=" + seeds + " violations=" + violations + " ticks=" + ticks + " commits=" + commits
                    + " client_ops=" + clientOperations + " elapsed_ms=" + elapsedMs + " ticks_per_s=" + ticks * 1000 / elapsed
                    + " seeds_per_min=" + seeds * 60_000L / elapsed;
        }
    }

    private final int nodes;
    private final int ticks;
    private final Set<Bug> bugs;

    public SimulationRunner(int nodes, int ticks, Set<Bug> bugs) {
        this.nodes = nodes;
        this.ticks = ticks;
        this.bugs = Set.copyOf(bugs);
    }

    public SimulationResult runSeed(long seed) {
        return new Simulator(SimulationOptions.fromSeed(seed, nodes, ticks, bugs)).run();
    }

    /**
     * Runs seeds {@code firstSeed .. firstSeed + count - 1}.
     *
     * @param stopAtFirstViolation stop as soon as one seed fails (how bug switches are measured)
     * @param eachResult           called with every seed's result, in seed order (to print or collect it)
     */
    public Summary run(long firstSeed, int count, boolean stopAtFirstViolation, Consumer<SimulationResult> eachResult) {
        long started = System.nanoTime();
        int violations = 0;
        long totalTicks = 0;
        long commits = 0;
        long clientOperations = 0;
        long firstViolating = -1;
        int seedsUntilFirst = 0;
        int ran = 0;
        for (long seed = firstSeed; seed < firstSeed + count; seed++) {
            SimulationResult result = runSeed(seed);
            ran++;
            totalTicks += result.ticks();
            commits += result.commits();
            clientOperations += result.clientOperations();
            eachResult.accept(result);
            if (result.violated()) {
                violations++;
                if (firstViolating < 0) {
                    firstViolating = seed;
                    seedsUntilFirst = ran;
                }
                if (stopAtFirstViolation) {
                    break;
                }
            }
        }
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        return new Summary(ran, violations, totalTicks, commits, clientOperations, elapsedMs, firstViolating, seedsUntilFirst);
    }
}
