package io.signalbox.bench;

import io.signalbox.bench.chart.ResultCharts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Where the benchmarks keep their results: {@code <dir>/<name>-<UTC timestamp>.json}, and its
 * chart next to it as {@code .svg} ({@link ResultCharts}).
 */
final class BenchResults {
    private BenchResults() {}

    static Path write(Path directory, String name, String document) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(name + "-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .format(Instant.now()) + ".json");
        Files.writeString(file, document.endsWith("\n") ? document : document + "\n");
        try {
            ResultCharts.chart(file);
        } catch (IllegalArgumentException e) {
            // The figures are safe in the JSON; a result the chart cannot draw must not fail a long run.
            System.err.println("no chart for " + file + ": " + e.getMessage());
        }
        return file;
    }

    /** What to print once a result is written: the JSON and its chart. */
    static String written(Path json) {
        Path svg = json.resolveSibling(json.getFileName().toString().replaceAll("\\.json$", ".svg"));
        return "results written to " + json + (Files.isRegularFile(svg) ? ", chart " + svg : "");
    }
}
