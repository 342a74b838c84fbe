package io.signalbox.bench;

import static io.signalbox.bench.Printed.INTEGER;
import static io.signalbox.bench.Printed.NUMBER;
import static io.signalbox.bench.Printed.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench cluster} and {@code bench compare} against real server processes (and a real
 * ZooKeeper ensemble) at toy sizes: one second per row, no warm-up, one request in flight.
 */
class LoadBenchTest {
    private static final LoadSettings TINY = new LoadSettings(3, 1, 0, List.of(1), 100, "256m");
    /** workload/system, op, outstanding, ops/s, p50, p99, p999, errors, server CPU seconds. */
    private static final String ROW = " +" + INTEGER + " +" + NUMBER + " +" + NUMBER + " +" + NUMBER + " +" + NUMBER + " +" + INTEGER + " +" + NUMBER;

    private final Printed printed = new Printed();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void clusterPrintsARowPerWorkload() throws Exception {
        List<LoadRun.Row> rows = ClusterBench.run(printed.out,
                new ClusterBench.Settings(TINY, ClusterBench.WORKLOADS, TestPorts.distinctBases(1, 3).get(0), false));

        List<List<String>> printedRows = printed.lines("(write|write-forwarded|read-local|read-linearizable)" + ROW);
        assertEquals(ClusterBench.WORKLOADS, printedRows.stream().map(r -> r.get(0)).toList(), printed.text());
        for (List<String> row : printedRows) {
            assertLoadRow(row.subList(1, row.size()));
        }
        assertEquals(ClusterBench.WORKLOADS.size(), rows.size());
    }

    /**
     * Both systems plaintext, then with TLS on every link and client certificates required: every
     * row serves, the ratios of each pair are printed, and the JSON holds every row.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void compareWithTlsRunsEachSystemPlainThenOverTlsAndPrintsTheCostOfTls(@TempDir Path results) throws Exception {
        List<Integer> bases = TestPorts.distinctBases(2, 3);
        CompareBench.run(printed.out, new CompareBench.Settings(TINY, List.of("zookeeper", "signalbox"), results, false, bases.get(0), bases.get(1),
                true));

        List<List<String>> printedRows = printed.lines("(zookeeper|signalbox)(-tls)? +(write|read)" + ROW);
        assertEquals(List.of("zookeeper write", "zookeeper read", "signalbox write", "signalbox read", "zookeeper-tls write",
                "zookeeper-tls read", "signalbox-tls write", "signalbox-tls read"),
                printedRows.stream().map(r -> r.get(0) + (r.get(1) == null ? "" : r.get(1)) + " " + r.get(2)).toList(), printed.text());
        for (List<String> row : printedRows) {
            assertLoadRow(row.subList(3, row.size()));
            assertEquals("0", row.get(8), () -> "no request failed over TLS either:\n" + printed.text());
        }
        for (String pair : List.of("signalbox / zookeeper", "signalbox-tls / zookeeper-tls", "zookeeper-tls / zookeeper",
                "signalbox-tls / signalbox")) {
            assertEquals(1, printed.lines(java.util.regex.Pattern.quote(pair) + " +op .*").size(), printed.text());
        }
        assertRatios(8);
        String json = printed.resultFile(results, "compare");
        for (String system : List.of("zookeeper", "signalbox", "zookeeper-tls", "signalbox-tls")) {
            assertEquals(2, Printed.occurrences(json, "\"system\":\"" + system + "\""), json);
        }
        assertTrue(json.contains("\"nodes\":3,\"tls\":true,\"valueBytes\":100,\"durationSeconds\":1.0,\"warmupSeconds\":0.0,"
                + "\"heap\":\"256m\""), json);
    }

    private void assertRatios(int expected) {
        List<List<String>> ratios = printed.lines(" *(write|read) +1 +" + NUMBER + " +" + NUMBER);
        assertEquals(expected, ratios.size(), printed.text());
        for (List<String> ratio : ratios) {
            printed.assertPositive("ops ratio", number(ratio.get(1)));
            printed.assertPositive("p99 ratio", number(ratio.get(2)));
        }
    }

    /** outstanding, ops/s, p50, p99, p999, errors, server CPU seconds. */
    private void assertLoadRow(List<String> row) {
        assertEquals("1", row.get(0), printed.text());
        printed.assertPositive("ops/s", number(row.get(1)));
        printed.assertAscending("p50, p99, p999", number(row.get(2)), number(row.get(3)), number(row.get(4)));
        assertTrue(number(row.get(6)) >= 0, () -> "server CPU seconds are known on Linux:\n" + printed.text());
    }
}
