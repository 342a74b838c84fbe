package io.signalbox.cli;

import io.signalbox.bench.LoadSettings;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every load benchmark shares (picocli mixin); {@link LoadSettings} checks them. */
final class LoadOptions {
    @Option(names = "--nodes", defaultValue = "3", description = "3 or 5 (default: ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--duration", defaultValue = "20", description = "measured seconds per row (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--warmup", defaultValue = "10",
            description = "seconds of load before each row: three JVMs compiling on two cores need it (default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--outstanding", defaultValue = "1,16,256", split = ",", description = "requests in flight (default: ${DEFAULT-VALUE})")
    List<Integer> outstanding = new ArrayList<>();

    @Option(names = "--value-bytes", defaultValue = "100", description = "bytes of value per write (default: ${DEFAULT-VALUE})")
    int valueBytes;

    @Option(names = "--heap", defaultValue = "1g", description = "-Xmx of every server (default: ${DEFAULT-VALUE})")
    String heap;

    /** Throws IllegalArgumentException naming a refused value; a {@link BenchCommand.Subcommand} makes it a usage error. */
    LoadSettings settings() {
        return new LoadSettings(nodes, seconds, warmupSeconds, outstanding, valueBytes, heap);
    }
}
