package io.signalbox.cli;

import io.signalbox.bench.StorageBenchmark;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code bench} subcommands for the sync agents and the chaos checker; figures in docs/benchmarks.md. */
final class ProxyBenchCommands {
    private ProxyBenchCommands() {}

    /** {@code signalbox bench haproxy}: acknowledged change to served by HAProxy, agent versus reload per change. */
    @Command(name = "haproxy", description = "Time from a change acknowledged by a 3-node cluster to HAProxy running it: through "
            + "the sync agent (Runtime API; reload only for a new service) and through render-validate-reload on every change "
            + "(consul-template style). Needs haproxy. Writes JSON under --results.")
    static final class Haproxy implements Callable<Integer> {
        @Option(names = "--changes", defaultValue = "1000", description = "changes per kind through the agent (default: ${DEFAULT-VALUE})")
        int changes;

        @Option(names = "--baseline-changes", defaultValue = "200",
                description = "changes per kind through reload-per-change, ~0.1 s each (default: ${DEFAULT-VALUE})")
        int baselineChanges;

        @Option(names = "--structural-changes", defaultValue = "50", description = "new services, each a reload (default: ${DEFAULT-VALUE})")
        int structuralChanges;

        @Option(names = "--results", defaultValue = "bench/results", description = "directory for the JSON results (default: ${DEFAULT-VALUE})")
        Path resultsDir;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (changes < 1 || changes > 100_000 || baselineChanges < 1 || baselineChanges > 10_000 || structuralChanges < 0
                    || structuralChanges > 1_000) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--changes 1..100000, --baseline-changes 1..10000, --structural-changes 0..1000");
            }
            out.println("haproxy: " + Machine.describe());
            out.flush();
            Path directory = Files.createTempDirectory("signalbox-bench-haproxy-");
            List<HaproxyBench.Row> rows;
            try {
                rows = HaproxyBench.run(out, directory, changes, baselineChanges, structuralChanges);
            } finally {
                StorageBenchmark.deleteRecursively(directory);
            }
            StringBuilder json = new StringBuilder("{\"machine\":").append(io.signalbox.server.Json.quote(Machine.describe()))
                    .append(",\"rows\":[");
            for (int i = 0; i < rows.size(); i++) {
                HaproxyBench.Row r = rows.get(i);
                json.append(i == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT,
                        "{\"approach\":\"%s\",\"change\":\"%s\",\"samples\":%d,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"maxMs\":%.3f,\"reloads\":%d}",
                        r.approach(), r.change(), r.samples(), r.p50Ms(), r.p99Ms(), r.maxMs(), r.reloads()));
            }
            for (HaproxyBench.Row agent : rows) {
                for (HaproxyBench.Row baseline : rows) {
                    if (agent.approach().startsWith("signalbox") && baseline.approach().startsWith("reload")
                            && agent.change().equals(baseline.change())) {
                        out.printf("%-12s reload-per-change / agent: p50 %.0fx, p99 %.0fx%n", agent.change(),
                                baseline.p50Ms() / agent.p50Ms(), baseline.p99Ms() / agent.p99Ms());
                    }
                }
            }
            Path file = BenchResults.write(resultsDir, "haproxy", json.append("]}").toString());
            out.println("results written to " + file);
            return 0;
        }
    }

    /** {@code signalbox bench nginx}: acknowledged change to served by Nginx; reloads and workers under a steady stream. */
    @Command(name = "nginx", description = "Time from a change acknowledged by a 3-node cluster to Nginx serving it through the sync "
            + "agent (debounce 200 ms and 0), then a steady stream of changes: reloads per 1,000 changes, and Nginx's worker "
            + "processes and memory after it. Needs nginx. Writes JSON under --results.")
    static final class Nginx implements Callable<Integer> {
        @Option(names = "--changes", defaultValue = "100", description = "changes one at a time, per debounce setting (default: ${DEFAULT-VALUE})")
        int changes;

        @Option(names = "--rate", defaultValue = "100", description = "changes per second in the stream (default: ${DEFAULT-VALUE})")
        int rate;

        @Option(names = "--seconds", defaultValue = "10", description = "length of the stream (default: ${DEFAULT-VALUE})")
        int seconds;

        @Option(names = "--results", defaultValue = "bench/results", description = "directory for the JSON results (default: ${DEFAULT-VALUE})")
        Path resultsDir;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (changes < 1 || changes > 10_000 || rate < 1 || rate > 5_000 || seconds < 1 || seconds > 600) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--changes 1..10000, --rate 1..5000, --seconds 1..600");
            }
            out.println("nginx: " + Machine.describe());
            out.flush();
            Path directory = Files.createTempDirectory("signalbox-bench-nginx-");
            List<NginxBench.Row> rows;
            try {
                rows = NginxBench.run(out, directory, changes, rate, seconds);
            } finally {
                StorageBenchmark.deleteRecursively(directory);
            }
            StringBuilder json = new StringBuilder("{\"machine\":").append(io.signalbox.server.Json.quote(Machine.describe()))
                    .append(",\"rows\":[");
            for (int i = 0; i < rows.size(); i++) {
                json.append(i == 0 ? "" : ",").append("{\"what\":").append(io.signalbox.server.Json.quote(rows.get(i).what()))
                        .append(",\"value\":").append(io.signalbox.server.Json.quote(rows.get(i).value())).append('}');
            }
            Path file = BenchResults.write(resultsDir, "nginx", json.append("]}").toString());
            out.println("results written to " + file);
            return 0;
        }
    }

    /** {@code signalbox bench checker}: the linearizability checker's time per history size. */
    @Command(name = "checker", description = "Times the linearizability checker on generated register histories (8 keys, 8 "
            + "processes, overlapping operations) of the given sizes.")
    static final class Checker implements Callable<Integer> {
        @Option(names = "--ops", defaultValue = "1000,10000,100000,1000000", split = ",", description = "(default: ${DEFAULT-VALUE})")
        List<Integer> sizes;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (int size : sizes) {
                if (size < 1 || size > 5_000_000) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--ops sizes 1..5000000, got " + size);
                }
                var history = io.signalbox.simulation.history.RegisterHistories.random(size, size, 8, 8);
                io.signalbox.simulation.history.LinearizabilityChecker.check(history, java.util.Map.of()); // warm-up
                long started = System.nanoTime();
                var result = io.signalbox.simulation.history.LinearizabilityChecker.check(history, java.util.Map.of());
                out.printf("checker: %,d operations in %.1f ms (%,d search steps, linearizable=%s)%n", size,
                        (System.nanoTime() - started) / 1e6, result.steps(), result.linearizable());
                out.flush();
            }
            return 0;
        }
    }
}
