package io.signalbox.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Where the benchmarks keep their JSON results: {@code <dir>/<name>-<UTC timestamp>.json}. */
final class BenchResults {
    private BenchResults() {}

    static Path write(Path directory, String name, String document) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(name + "-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .format(Instant.now()) + ".json");
        Files.writeString(file, document.endsWith("\n") ? document : document + "\n");
        return file;
    }
}
