package io.signalbox.cli;

import io.signalbox.consensus.Bug;
import io.signalbox.simulation.SimulationRunner;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code signalbox simulate}: the deterministic simulator over many seeds, or one seed to reproduce. */
@Command(name = "simulate",
        mixinStandardHelpOptions = true,
        description = "Runs the real ZAB core on a simulated network, disk and clock, with faults drawn from each "
                + "seed, and checks the ZAB invariants after every step. Exit code 1 if any seed violates one.")
public final class SimulateCommand implements Callable<Integer> {
    static final int SEEDS_MAX = 10_000_000;

    @Option(names = "--seeds", description = "how many consecutive seeds to run (default: 1 with --seed, else 100)")
    Integer seeds;

    @Option(names = "--seed", description = "the first seed; alone, reproduces exactly that run (default: random)")
    Long seed;

    @Option(names = "--nodes", defaultValue = "3", description = "voters: 3, 5 or 7 (default: ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--ticks", defaultValue = "3000", description = "ticks of the safety phase, with faults on (default: ${DEFAULT-VALUE})")
    int ticks;

    @Option(names = "--bug", description = "re-introduce a known ZooKeeper bug (repeatable): ${COMPLETION-CANDIDATES}",
            completionCandidates = BugNames.class)
    List<String> bugNames = new ArrayList<>();

    @Option(names = "--stop-at-first", description = "stop at the first violating seed")
    boolean stopAtFirst;

    @Option(names = "--verbose", description = "print one line per seed")
    boolean verbose;

    @Option(names = "--jobs", defaultValue = "1",
            description = "seeds run at once, one thread each, e.g. --jobs $(nproc); every seed stays deterministic "
                    + "and results print in seed order (default: ${DEFAULT-VALUE})")
    int jobs;

    @Option(names = "--diagram", paramLabel = "FILE", description = "with one --seed: draw its opening as an SVG sequence chart")
    java.nio.file.Path diagram;

    @Option(names = "--events", paramLabel = "FILE", description = "with one --seed: write every event of its run to FILE, one "
            + "line each (what a violation's report shows the end of)")
    java.nio.file.Path events;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int count = seeds != null ? seeds : (seed != null ? 1 : 100);
        inRange("--seeds", count, 1, SEEDS_MAX);
        inRange("--ticks", ticks, 10, 10_000_000);
        inRange("--jobs", jobs, 1, SimulationRunner.JOBS_MAX);
        String wrong = nodes != 3 && nodes != 5 && nodes != 7 ? "--nodes must be 3, 5 or 7, got " + nodes
                : diagram != null && (seed == null || count != 1) ? "--diagram draws one seed: give --seed N without --seeds"
                : events != null && (seed == null || count != 1) ? "--events logs one seed: give --seed N without --seeds" : null;
        if (wrong != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), wrong);
        }
        Set<Bug> bugs;
        try {
            bugs = Bug.fromSwitchNames(bugNames);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--bug: " + e.getMessage());
        }
        quietSimulatedNodes();
        long firstSeed = seed != null ? seed : Math.abs(System.nanoTime() % 1_000_000_000L);
        boolean perSeedLines = verbose || count == 1;
        SimulationRunner.Summary summary = new SimulationRunner(nodes, ticks, bugs).drawingTo(diagram).eventsTo(events).run(firstSeed, count, jobs, stopAtFirst, result -> {
            if (perSeedLines) {
                out.println(result.line());
            }
            if (result.violated()) {
                out.print(result.report());
            }
        });
        out.println("first_seed=" + firstSeed + " nodes=" + nodes + (jobs > 1 ? " jobs=" + jobs : "")
                + (bugs.isEmpty() ? "" : " bugs=" + bugNames));
        out.println(summary.line() + (diagram == null ? "" : "\ndiagram=" + diagram) + (events == null ? "" : "\nevents=" + events));
        out.flush();
        return summary.violations() == 0 ? 0 : 1;
    }

    private void inRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be in " + min + ".." + max + ", got " + value);
        }
    }

    /**
     * The simulated nodes run the production code, which logs for operators (sessions expired,
     * streams ended): thousands of lines a run with neither simulated time nor seed. The trace
     * and the per-seed lines are the simulator's record; warnings and errors still show.
     */
    private static void quietSimulatedNodes() {
        if (org.slf4j.LoggerFactory.getLogger("io.signalbox") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    /** The allowed --bug names, for help and completion. */
    static final class BugNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        BugNames() {
            super(Bug.switchNames());
        }
    }
}
