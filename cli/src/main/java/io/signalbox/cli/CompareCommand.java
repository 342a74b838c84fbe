package io.signalbox.cli;

import io.signalbox.bench.CompareBench;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code signalbox bench compare}: the options of {@link CompareBench}. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Runs a ZooKeeper 3.9 ensemble and a Signalbox cluster one after the other on 127.0.0.1 with the same "
                + "workload (durable writes of --value-bytes, local reads) and prints both with the ratio Signalbox/ZooKeeper.")
final class CompareCommand extends BenchCommand.Subcommand {
    @CommandLine.Mixin
    LoadOptions load = new LoadOptions();

    @Option(names = "--systems", defaultValue = "zookeeper,signalbox", split = ",",
            description = "which to run; one only for profiling (default: ${DEFAULT-VALUE})")
    List<String> systems = new ArrayList<>();

    @Option(names = "--results", defaultValue = "bench/results", description = "directory for the JSON results (default: ${DEFAULT-VALUE})")
    Path resultsDir;

    @Option(names = "--json", description = "print the results as JSON instead of a table")
    boolean json;

    @Option(names = "--tls", description = "run each system again with TLS on every link and client certificates (one "
            + "development CA for both), and print each one's cost of TLS")
    boolean tls;

    @Override
    public Integer call() throws Exception {
        CompareBench.run(out(), checked(() -> new CompareBench.Settings(load.settings(), systems, resultsDir, json, tls)));
        return 0;
    }
}
