package io.signalbox.bench;

import static io.signalbox.bench.Printed.INTEGER;
import static io.signalbox.bench.Printed.number;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code bench elections} and {@code bench scale} against real processes at toy sizes. */
class FailoverAndScaleBenchTest {
    private final Printed printed = new Printed();

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void electionsPrintTheFailoverTimesOfBothSystems() throws Exception {
        List<Integer> bases = TestPorts.distinctBases(2, 3);
        Map<String, long[]> millis = ElectionBench.run(printed.out,
                new ElectionBench.Settings(3, 2, List.of("zookeeper", "signalbox"), bases.get(0), bases.get(1)));

        List<List<String>> lines = printed.lines("(zookeeper|signalbox) kills=" + INTEGER + " p50_ms=" + INTEGER + " p99_ms=" + INTEGER
                + " min_ms=" + INTEGER + " max_ms=" + INTEGER);
        assertEquals(List.of("zookeeper", "signalbox"), lines.stream().map(l -> l.get(0)).toList(), printed.text());
        for (List<String> line : lines) {
            assertEquals("2", line.get(1), printed.text());
            printed.assertAscending("min, p50, p99, max", number(line.get(4)), number(line.get(2)), number(line.get(3)), number(line.get(5)));
        }
        assertEquals(List.of(2, 2), millis.values().stream().map(times -> times.length).toList());
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void scalePrintsTheCatchUpAndRestartTimes() throws Exception {
        List<Integer> bases = TestPorts.distinctBases(2, 3);
        // 1,100 services, one entry each, pass the servers' snapshotEveryEntries=1000: the leader has a snapshot to send.
        ScaleBench.run(printed.out, new ScaleBench.Settings(1_100, 1, 300, bases.get(0), bases.get(1)));

        printed.line("snap: loaded 1100 services x 1 servers in " + INTEGER + " ms");
        printed.line("snap: servers=1100 wiped_follower_caught_up_ms=" + INTEGER + " \\(process start included\\)");
        printed.line("restart: wrote 300 entries in " + INTEGER + " ms");
        printed.line("restart: log_entries=300 restart_to_serving_ms=" + INTEGER + " \\(JVM start included\\)");
        // The followers' own accounts of the snapshot and of the recovery, from their node.log.
        printed.line("  node \\d+ installed a snapshot at .* from its leader .*");
        printed.line("  node \\d+ recovered: .*");
    }
}
