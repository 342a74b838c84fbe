package io.signalbox.bench;

import static io.signalbox.bench.Printed.INTEGER;
import static io.signalbox.bench.Printed.NUMBER;
import static io.signalbox.bench.Printed.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmarks that run in this JVM, at toy sizes: their figures are printed and sane (never fast: the machine is shared). */
class InProcessBenchTest {
    private final Printed printed = new Printed();

    @Test
    void storagePrintsTheFsyncRateAndARowPerAppenderCount(@TempDir Path directory) throws Exception {
        List<StorageBenchmark.Row> rows = StorageBenchmark.run(printed.out, new StorageBenchmark.Settings(directory, 0.3, List.of(1, 4), 100));

        printed.assertPositive("raw_fsync_per_s", number(printed.line("raw_fsync_per_s=" + NUMBER + " \\(write 100 bytes \\+ fdatasync, one thread\\)").get(0)));
        List<List<String>> printedRows = printed.lines(INTEGER + " +" + NUMBER + " +" + NUMBER + " +" + NUMBER + " +" + NUMBER + " +" + NUMBER);
        assertEquals(List.of("1", "4"), printedRows.stream().map(r -> r.get(0)).toList(), printed.text());
        for (List<String> row : printedRows) {
            printed.assertPositive("appends/s", number(row.get(1)));
            assertTrue(number(row.get(2)) >= 1, () -> "a batch holds at least one entry:\n" + printed.text());
            printed.assertAscending("p50_ms, p99_ms", number(row.get(3)), number(row.get(4)));
            printed.assertPositive("x_fsync", number(row.get(5)));
        }
        assertEquals(List.of(1, 4), rows.stream().map(StorageBenchmark.Row::appenders).toList());
        try (var left = Files.list(directory)) {
            assertEquals(List.of(), left.toList(), "the benchmark removes what it wrote in --dir");
        }
    }

    @Test
    void statePrintsItsFiguresAndTheRestoredDigestMatches() {
        StateBenchmark.Result result = StateBenchmark.run(printed.out, new StateBenchmark.Settings(20, 3, 1_000));

        printed.line("built 20 services x 3 servers in " + INTEGER + " ms");
        List<String> figures = printed.line("servers=" + INTEGER + " build_ms=" + INTEGER + " events_applied_per_s=" + NUMBER
                + " snapshot_bytes=" + INTEGER + " snapshot_ms=" + INTEGER + " restore_ms=" + INTEGER + " heap_mb=" + NUMBER
                + " digests_match=(true|false)");
        assertEquals("60", figures.get(0), printed.text());
        printed.assertPositive("events_applied_per_s", number(figures.get(2)));
        printed.assertPositive("snapshot_bytes", number(figures.get(3)));
        assertEquals("true", figures.get(7), printed.text());
        assertTrue(result.digestsMatch());
    }

    @Test
    void checkerPrintsALinePerHistorySize() {
        List<CheckerBench.Row> rows = CheckerBench.run(printed.out, new CheckerBench.Settings(List.of(100, 2_000)));

        List<List<String>> lines = printed.lines("checker: ([\\d,]+) operations in " + NUMBER + " ms \\(([\\d,]+) search steps, linearizable=(true|false)\\)");
        assertEquals(List.of("100", "2,000"), lines.stream().map(l -> l.get(0)).toList(), printed.text());
        for (List<String> line : lines) {
            assertTrue(number(line.get(1)) >= 0, printed.text());
            printed.assertPositive("search steps", number(line.get(2).replace(",", "")));
            assertEquals("true", line.get(3), "generated histories are linearizable by construction:\n" + printed.text());
        }
        assertEquals(2, rows.size());
    }
}
