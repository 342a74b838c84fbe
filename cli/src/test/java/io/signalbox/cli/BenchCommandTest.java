package io.signalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmarks run end to end at toy sizes and print their figures (no timing is asserted). */
class BenchCommandTest {
    private final CliRun cli = new CliRun();
    private final java.io.StringWriter out = cli.out;
    private final java.io.StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void stateBenchmarkPrintsItsFiguresAndChecksTheRestoredDigest() {
        assertEquals(0, run("bench", "state", "--services", "20", "--servers-per-service", "3", "--events", "1000"));
        assertTrue(out.toString().matches("(?s).*servers=60 build_ms=\\d+ events_applied_per_s=\\d+ snapshot_bytes=\\d+ "
                + "snapshot_ms=\\d+ restore_ms=\\d+ heap_mb=-?[\\d.]+ digests_match=true\\s*"), out.toString());
    }

    @Test
    void storageBenchmarkPrintsARowPerAppenderCount(@TempDir Path directory) {
        assertEquals(0, run("bench", "storage", "--dir", directory.toString(), "--seconds", "0.3", "--appenders", "1,4"));
        String output = out.toString();
        assertTrue(output.contains("raw_fsync_per_s="), output);
        assertTrue(output.lines().anyMatch(line -> line.startsWith("4 ")), output);
    }

    @Test
    void badBenchmarkValuesAreRefusedWithTheValue() {
        assertEquals(2, run("bench", "storage", "--appenders", "0"));
        assertTrue(err.toString().contains("--appenders values must be in 1..4096, got 0"), err.toString());
        assertEquals(2, run("bench", "state", "--services", "0"));
        assertTrue(err.toString().contains("services must be in 1..60000"), err.toString());
    }
}
