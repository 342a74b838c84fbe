package io.signalbox.bench;

import static io.signalbox.bench.Printed.INTEGER;
import static io.signalbox.bench.Printed.NUMBER;
import static io.signalbox.bench.Printed.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench haproxy} and {@code bench nginx} with a few changes each. They need the real
 * binaries; without one the test fails and says so (CI installs both), it is never skipped.
 */
class ProxyBenchTest {
    private final Printed printed = new Printed();

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void haproxyPrintsARowPerApproachAndKindOfChange(@TempDir Path results) throws Exception {
        requireBinary("haproxy", "-v");
        // One range of free ports: the cluster on base+1..3, +101..103, +201..203; the services on base+10..60.
        int base = TestPorts.distinctBases(1, 60).get(0);
        List<HaproxyBench.Row> rows = HaproxyBench.run(printed.out, new HaproxyBench.Settings(2, 2, 1, results, base, base + 10));

        List<List<String>> lines = printed.lines("(signalbox runtime API|reload per change) +(weight|drain/ready|add server|new service \\(reload\\)) +"
                + INTEGER + " changes  p50 +" + NUMBER + " ms  p99 +" + NUMBER + " ms  max +" + NUMBER + " ms +" + INTEGER + " reloads");
        assertEquals(List.of("signalbox runtime API weight", "signalbox runtime API drain/ready", "signalbox runtime API add server",
                "signalbox runtime API new service (reload)", "reload per change weight", "reload per change drain/ready",
                "reload per change add server"), lines.stream().map(l -> l.get(0) + " " + l.get(1)).toList(), printed.text());
        for (List<String> line : lines) {
            assertEquals(line.get(1).startsWith("new service") ? "1" : "2", line.get(2), printed.text());
            printed.assertAscending("p50, p99, max", number(line.get(3)), number(line.get(4)), number(line.get(5)));
            if (line.get(0).equals("reload per change")) {
                // That approach serves nothing new without a reload, and each change waits to be served before the next.
                assertTrue(number(line.get(6)) >= 2, () -> "a reload per change at least:\n" + printed.text());
            }
        }
        assertEquals(3, printed.lines("(weight|drain/ready|add server) +reload-per-change / agent: p50 " + NUMBER + "x, p99 " + NUMBER + "x").size(),
                printed.text());
        String json = printed.resultFile(results, "haproxy");
        assertEquals(7, Printed.occurrences(json, "\"approach\":"), json);
        assertEquals(7, rows.size());
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void nginxPrintsTheLatenciesTheStreamAndTheWorkers(@TempDir Path results) throws Exception {
        requireBinary("nginx", "-v");
        // One range of free ports: the cluster on base+1..3, +101..103, +201..203; the service on base+10, the version on base+11.
        int base = TestPorts.distinctBases(1, 11).get(0);
        List<NginxBench.Row> rows = NginxBench.run(printed.out, new NginxBench.Settings(2, 5, 1, results, base, base + 10, base + 11));

        List<List<String>> latencies = printed.lines("acknowledged -> served, (debounce 200 ms|debounce 0 ms|dynamic mode): 2 changes one at "
                + "a time: p50 " + NUMBER + " ms, p99 " + NUMBER + " ms, max " + NUMBER + " ms, " + INTEGER + " reloads");
        assertEquals(List.of("debounce 200 ms", "debounce 0 ms", "dynamic mode"), latencies.stream().map(l -> l.get(0)).toList(),
                printed.text());
        assertEquals("0", latencies.get(2).get(4), "dynamic mode pushes servers: no reload\n" + printed.text());
        printed.line("reload \\(debounce 0\\) / dynamic: p50 " + NUMBER + "x, p99 " + NUMBER + "x");
        for (List<String> latency : latencies) {
            printed.assertAscending("p50, p99, max", number(latency.get(1)), number(latency.get(2)), number(latency.get(3)));
        }
        // 5 changes a second for 1 s, and the last one the bench waits for.
        List<String> stream = printed.line("stream: 6 changes at 5/s: " + INTEGER + " reloads \\(" + NUMBER + " per 1,000 changes\\); "
                + INTEGER + " requests through Nginx by 4 keep-alive clients meanwhile, " + INTEGER + " failed");
        printed.assertPositive("requests through Nginx", number(stream.get(2)));
        printed.assertAscending("failed, requests", number(stream.get(3)), number(stream.get(2)));
        List<String> dynamicStream = printed.line("stream, dynamic mode: 6 changes at 5/s: " + INTEGER + " reloads \\(" + NUMBER
                + " per 1,000 changes\\); " + INTEGER + " requests through Nginx by 4 keep-alive clients meanwhile, " + INTEGER + " failed");
        assertEquals(List.of("0", "0"), List.of(dynamicStream.get(0), dynamicStream.get(3)),
                "no reload and no failed request under a stream in dynamic mode\n" + printed.text());
        for (String when : List.of("after the stream", "12 s later", "after the stream, dynamic mode")) {
            List<String> workers = printed.line("workers " + when + ": " + INTEGER + " worker processes, " + INTEGER + " MiB resident");
            printed.assertPositive("worker processes " + when, number(workers.get(0)));
        }
        String json = printed.resultFile(results, "nginx");
        assertEquals(9, Printed.occurrences(json, "\"what\":"), json);
        assertEquals(9, rows.size());
    }

    /** Fails, naming the binary, when it is not on PATH or does not run. */
    private static void requireBinary(String binary, String versionFlag) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(binary, versionFlag).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                fail("`" + binary + " " + versionFlag + "` did not exit 0 within 10 s; bench " + binary + " needs a working " + binary);
            }
        } catch (IOException e) {
            fail(binary + " is not installed (apt-get install " + binary + "); .ci/run installs it, so CI always runs this test: "
                    + e.getMessage());
        }
    }
}
