package io.signalbox.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/** Every benchmark refuses a bad value before it starts anything, with the value and what is allowed in the message. */
class SettingsTest {
    private static final LoadSettings LOAD = new LoadSettings(3, 1, 0, List.of(1), 100, "256m");
    private static final Path RESULTS = Path.of("unused");

    private record Refusal(String setting, Executable build, String message) {}

    @TestFactory
    Stream<DynamicTest> refusedValuesAreNamedWithWhatIsAllowed() {
        return Stream.of(
                new Refusal("nodes", () -> new LoadSettings(4, 1, 0, List.of(1), 100, "1g"), "--nodes must be 3 or 5, got 4"),
                new Refusal("duration", () -> new LoadSettings(3, 0, 0, List.of(1), 100, "1g"),
                        "--duration must be more than 0 and at most 600 seconds, got 0.0"),
                new Refusal("warmup", () -> new LoadSettings(3, 1, 601, List.of(1), 100, "1g"), "--warmup must be in 0..600 seconds, got 601.0"),
                new Refusal("outstanding", () -> new LoadSettings(3, 1, 0, List.of(1, 0), 100, "1g"),
                        "--outstanding values must be in 1..10000, got 0"),
                new Refusal("value bytes", () -> new LoadSettings(3, 1, 0, List.of(1), 501, "1g"), "--value-bytes must be in 1..500, got 501"),
                new Refusal("heap", () -> new LoadSettings(3, 1, 0, List.of(1), 100, "1t"), "--heap must be a -Xmx size like 512m or 1g"),
                new Refusal("appenders", () -> new StorageBenchmark.Settings(null, 1, List.of(0), 100), "--appenders values must be in 1..4096, got 0"),
                new Refusal("entry bytes", () -> new StorageBenchmark.Settings(null, 1, List.of(1), 0), "--entry-bytes must be in 1..1048576, got 0"),
                new Refusal("services", () -> new StateBenchmark.Settings(0, 10, 1), "services must be in 1..60000 and servers per service in 1..1000, got 0 and 10"),
                new Refusal("events", () -> new StateBenchmark.Settings(1, 1, 0), "events must be in 1..100000000, got 0"),
                new Refusal("workloads", () -> new ClusterBench.Settings(LOAD, List.of("write", "delete"), 17_000, false),
                        "--workloads must be some of write,write-forwarded,read-local,read-linearizable, got [write, delete]"),
                new Refusal("base port", () -> new ClusterBench.Settings(LOAD, List.of("write"), 80, false), "--base-port must be in 1024..65000, got 80"),
                new Refusal("systems", () -> new CompareBench.Settings(LOAD, List.of("etcd"), RESULTS, false, false),
                        "--systems must be zookeeper and/or signalbox, got [etcd]"),
                new Refusal("kills", () -> new ElectionBench.Settings(3, 0, List.of("signalbox")), "--kills must be in 1..1000, got 0"),
                new Refusal("scale services", () -> new ScaleBench.Settings(10_001, 1, 1), "--services must be in 1..10000, got 10001"),
                new Refusal("log entries", () -> new ScaleBench.Settings(1, 1, 0), "--log-entries must be in 1..5000000, got 0"),
                new Refusal("haproxy changes", () -> new HaproxyBench.Settings(0, 1, 0, RESULTS), "--changes must be in 1..100000, got 0"),
                new Refusal("structural changes", () -> new HaproxyBench.Settings(1, 1, -1, RESULTS), "--structural-changes must be in 0..1000, got -1"),
                new Refusal("nginx rate", () -> new NginxBench.Settings(1, 0, 1, RESULTS), "--rate must be in 1..5000, got 0"),
                new Refusal("checker sizes", () -> new CheckerBench.Settings(List.of(10, 0)), "--ops sizes must be in 1..5000000, got 0"))
                .map(refusal -> DynamicTest.dynamicTest(refusal.setting(), () -> {
                    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, refusal.build());
                    assertTrue(refused.getMessage().startsWith(refusal.message()), refused.getMessage());
                }));
    }

    @Test
    void systemsRunZooKeeperFirstWhateverTheOrderGiven() {
        assertEquals(List.of("zookeeper", "signalbox"), new CompareBench.Settings(LOAD, List.of("signalbox", "zookeeper"), RESULTS, false, false).systems());
        assertEquals(List.of("signalbox"), new ElectionBench.Settings(3, 1, List.of("signalbox")).systems());
    }
}
