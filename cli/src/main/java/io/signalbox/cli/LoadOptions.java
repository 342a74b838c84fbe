package io.signalbox.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options every load benchmark shares (picocli mixin), checked in one place. */
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

    void validate(CommandLine commandLine) {
        if (!(nodes == 3 || nodes == 5) || valueBytes < 1 || valueBytes > 500 || seconds <= 0 || seconds > 600
                || warmupSeconds < 0 || warmupSeconds > 600 || outstanding.stream().anyMatch(n -> n < 1 || n > 10_000)
                || !heap.matches("[1-9][0-9]{0,5}[mg]")) {
            throw new CommandLine.ParameterException(commandLine, "--nodes 3 or 5, --value-bytes 1..500, --duration and --warmup "
                    + "0..600 s, --outstanding 1..10000, --heap like 512m or 1g");
        }
    }
}
