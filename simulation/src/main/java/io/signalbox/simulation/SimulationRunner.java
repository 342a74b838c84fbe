package io.signalbox.simulation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.signalbox.consensus.Bug;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/** Runs consecutive seeds, on one thread or several, hands each result to the caller in seed order, and sums them up. */
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
    private Path diagram;
    private Path events;

    public SimulationRunner(int nodes, int ticks, Set<Bug> bugs) {
        this.nodes = nodes;
        this.ticks = ticks;
        this.bugs = Set.copyOf(bugs);
    }

    public SimulationResult runSeed(long seed) {
        if (diagram != null) {
            return drawSeed(seed);
        }
        if (events != null) {
            return writeEventsOf(seed);
        }
        return new Simulator(SimulationOptions.fromSeed(seed, nodes, ticks, bugs)).run();
    }

    /** This runner's one seed also writes every event of its run, one line each, to {@code file}; {@code null} writes none. */
    public SimulationRunner eventsTo(Path file) {
        this.events = file;
        return this;
    }

    private SimulationResult writeEventsOf(long seed) {
        try (java.io.BufferedWriter out = Files.newBufferedWriter(events)) {
            SimulationResult result = new Simulator(SimulationOptions.fromSeed(seed, nodes, ticks, bugs)).writeEventsTo(line -> {
                try {
                    out.write(line);
                    out.newLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).run();
            return result;
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("cannot write the events to " + events + ": " + e.getMessage(),
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
    }

    /**
     * This runner's one seed also writes a message sequence chart of its opening (a
     * {@link SequenceDiagram}) to {@code svg}; {@code null} draws nothing.
     */
    public SimulationRunner drawingTo(Path svg) {
        this.diagram = svg;
        return this;
    }

    private SimulationResult drawSeed(long seed) {
        SequenceRecorder recorder = new SequenceRecorder(nodes);
        SimulationResult result = runSeed(seed, recorder);
        String title = "Signalbox simulate --seed " + seed + " --nodes " + nodes
                + (bugs.isEmpty() ? "" : " --bug " + String.join(" --bug ", bugs.stream().map(Bug::switchName).sorted().toList()));
        try {
            Files.writeString(diagram, new SequenceDiagram(recorder, title).svg());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the diagram to " + diagram + ": " + e.getMessage(), e);
        }
        return result;
    }

    /** Runs one seed exactly as {@link #runSeed} does, drawing its opening into {@code recorder}. */
    public SimulationResult runSeed(long seed, SequenceRecorder recorder) {
        return new Simulator(SimulationOptions.fromSeed(seed, nodes, ticks, bugs)).recordSequence(recorder).run();
    }

    /**
     * Runs seeds {@code firstSeed .. firstSeed + count - 1} on this thread.
     *
     * @param stopAtFirstViolation stop as soon as one seed fails (how bug switches are measured)
     * @param eachResult           called with every seed's result, in seed order (to print or collect it)
     */
    public Summary run(long firstSeed, int count, boolean stopAtFirstViolation, Consumer<SimulationResult> eachResult) {
        return run(firstSeed, count, 1, stopAtFirstViolation, eachResult);
    }

    /**
     * As {@link #run(long, int, boolean, Consumer)}, with {@code jobs} seeds running at once on
     * threads this call owns and stops before it returns. Each seed is its own simulator, so
     * each stays deterministic; results still reach {@code eachResult} in seed order, and with
     * {@code stopAtFirstViolation} the summary counts exactly the seeds up to the first failure.
     */
    public Summary run(long firstSeed, int count, int jobs, boolean stopAtFirstViolation, Consumer<SimulationResult> eachResult) {
        if (jobs < 1 || jobs > JOBS_MAX) {
            throw new IllegalArgumentException("jobs must be in 1.." + JOBS_MAX + ", got " + jobs);
        }
        if ((diagram != null || events != null) && count != 1) {
            throw new IllegalArgumentException("a diagram or an event log is of one seed, not " + count);
        }
        long started = System.nanoTime();
        Totals totals = new Totals();
        if (jobs == 1) {
            for (long seed = firstSeed; seed < firstSeed + count; seed++) {
                if (!totals.add(runSeed(seed), eachResult, stopAtFirstViolation)) {
                    break;
                }
            }
        } else {
            runInParallel(firstSeed, count, jobs, stopAtFirstViolation, eachResult, totals);
        }
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        return new Summary(totals.ran, totals.violations, totals.ticks, totals.commits, totals.clientOperations, elapsedMs,
                totals.firstViolating, totals.seedsUntilFirst);
    }

    /** Threads at most for {@code --jobs}. */
    public static final int JOBS_MAX = 256;

    private void runInParallel(long firstSeed, int count, int jobs, boolean stopAtFirstViolation, Consumer<SimulationResult> eachResult,
                               Totals totals) {
        ExecutorService pool = Executors.newFixedThreadPool(jobs, runnable -> {
            Thread thread = new Thread(runnable, "signalbox-simulate");
            thread.setDaemon(true);
            return thread;
        });
        // A window of seeds in flight, so memory stays bounded however many seeds are asked for.
        ArrayDeque<Future<SimulationResult>> window = new ArrayDeque<>();
        int windowMax = 4 * jobs;
        long next = firstSeed;
        long end = firstSeed + count;
        try {
            while (next < end || !window.isEmpty()) {
                while (next < end && window.size() < windowMax) {
                    long seed = next++;
                    window.add(pool.submit(() -> runSeed(seed)));
                }
                if (!totals.add(window.poll().get(), eachResult, stopAtFirstViolation)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a simulated seed failed outside its checks: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Sums in seed order. */
    private static final class Totals {
        int ran;
        int violations;
        long ticks;
        long commits;
        long clientOperations;
        long firstViolating = -1;
        int seedsUntilFirst;

        /** False when the run must stop here. */
        boolean add(SimulationResult result, Consumer<SimulationResult> eachResult, boolean stopAtFirstViolation) {
            ran++;
            ticks += result.ticks();
            commits += result.commits();
            clientOperations += result.clientOperations();
            eachResult.accept(result);
            if (!result.violated()) {
                return true;
            }
            violations++;
            if (firstViolating < 0) {
                firstViolating = result.seed();
                seedsUntilFirst = ran;
            }
            return !stopAtFirstViolation;
        }
    }
}
