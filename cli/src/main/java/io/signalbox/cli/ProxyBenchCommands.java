package io.signalbox.cli;

import io.signalbox.bench.CheckerBench;
import io.signalbox.bench.HaproxyBench;
import io.signalbox.bench.NginxBench;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code bench} subcommands for the sync agents and the chaos checker; figures in docs/benchmarks.md. */
final class ProxyBenchCommands {
    private ProxyBenchCommands() {}

    @Command(name = "haproxy", mixinStandardHelpOptions = true,
            description = "Time from a change acknowledged by a 3-node cluster to HAProxy running it: through the sync agent "
                    + "(Runtime API; reload only for a new service) and through render-validate-reload on every change "
                    + "(consul-template style). Needs haproxy. Writes JSON under --results.")
    static final class Haproxy extends BenchCommand.Subcommand {
        @Option(names = "--changes", defaultValue = "1000", description = "changes per kind through the agent (default: ${DEFAULT-VALUE})")
        int changes;

        @Option(names = "--baseline-changes", defaultValue = "200",
                description = "changes per kind through reload-per-change, ~0.1 s each (default: ${DEFAULT-VALUE})")
        int baselineChanges;

        @Option(names = "--structural-changes", defaultValue = "50", description = "new services, each a reload (default: ${DEFAULT-VALUE})")
        int structuralChanges;

        @Option(names = "--results", defaultValue = "bench/results", description = "directory for the JSON results (default: ${DEFAULT-VALUE})")
        Path resultsDir;

        @Override
        public Integer call() throws Exception {
            HaproxyBench.run(out(), checked(() -> new HaproxyBench.Settings(changes, baselineChanges, structuralChanges, resultsDir)));
            return 0;
        }
    }

    @Command(name = "nginx", mixinStandardHelpOptions = true,
            description = "Time from a change acknowledged by a 3-node cluster to Nginx serving it through the sync agent "
                    + "(reload mode with debounce 200 ms and 0, then dynamic mode), and a steady stream of changes: reloads per 1,000 "
                    + "changes, failed requests, Nginx's worker processes and memory. Needs nginx and libnginx-mod-http-lua. "
                    + "Writes JSON under --results.")
    static final class Nginx extends BenchCommand.Subcommand {
        @Option(names = "--changes", defaultValue = "100", description = "changes one at a time, per mode and debounce setting (default: ${DEFAULT-VALUE})")
        int changes;

        @Option(names = "--rate", defaultValue = "100", description = "changes per second in the stream (default: ${DEFAULT-VALUE})")
        int rate;

        @Option(names = "--seconds", defaultValue = "10", description = "length of the stream (default: ${DEFAULT-VALUE})")
        int seconds;

        @Option(names = "--results", defaultValue = "bench/results", description = "directory for the JSON results (default: ${DEFAULT-VALUE})")
        Path resultsDir;

        @Override
        public Integer call() throws Exception {
            NginxBench.run(out(), checked(() -> new NginxBench.Settings(changes, rate, seconds, resultsDir)));
            return 0;
        }
    }

    @Command(name = "checker", mixinStandardHelpOptions = true,
            description = "Times the linearizability checker on generated register histories (8 keys, 8 processes, overlapping "
                    + "operations) of the given sizes.")
    static final class Checker extends BenchCommand.Subcommand {
        @Option(names = "--ops", defaultValue = "1000,10000,100000,1000000", split = ",",
                description = "history sizes in operations, a line each (default: ${DEFAULT-VALUE})")
        List<Integer> sizes;

        @Override
        public Integer call() {
            CheckerBench.run(out(), checked(() -> new CheckerBench.Settings(sizes)));
            return 0;
        }
    }
}
