package io.signalbox.server.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status page's history: the ring, the latency buckets and the sampler, with time given by the test. */
class MetricsHistoryTest {
    private static MetricsHistory.Sample at(long ms) {
        return new MetricsHistory.Sample(ms, 1, 1, false, List.of());
    }

    @Test
    void theRingKeepsTheNewestSamplesOldestFirst() {
        MetricsHistory history = new MetricsHistory(3);
        assertTrue(history.samples().isEmpty());
        history.add(at(1));
        history.add(at(2));
        assertEquals(List.of(1L, 2L), times(history));
        for (long ms = 3; ms <= 7; ms++) {
            history.add(at(ms));
        }
        assertEquals(List.of(5L, 6L, 7L), times(history), "bounded at its capacity, the oldest dropped");
    }

    @Test
    void theRingRefusesABadCapacityAndASampleFromThePast() {
        assertThrows(IllegalArgumentException.class, () -> new MetricsHistory(0));
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class, () -> new MetricsHistory(MetricsHistory.SAMPLES_MAX + 1));
        assertTrue(tooBig.getMessage().contains("601") && tooBig.getMessage().contains("1..600"), tooBig.getMessage());
        MetricsHistory history = new MetricsHistory(4);
        history.add(at(10));
        assertThrows(IllegalArgumentException.class, () -> history.add(at(9)));
        assertEquals(List.of(10L), times(history), "the refused sample changed nothing");
    }

    @Test
    void bucketsGrowByAQuarterOctaveAndAQuantileIsItsBucketsUpperBound() {
        assertEquals(0, LatencyHistogram.bucket(1));
        assertEquals(0, LatencyHistogram.bucket(LatencyHistogram.FIRST_BOUND_NANOS));
        assertEquals(4, LatencyHistogram.bucket(2 * LatencyHistogram.FIRST_BOUND_NANOS), "one octave up");
        assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.bucket(Long.MAX_VALUE));
        for (long nanos = 10_000; nanos < 40_000_000_000L; nanos = nanos * 3 / 2) {
            double boundMs = LatencyHistogram.upperBoundMs(LatencyHistogram.bucket(nanos));
            assertTrue(boundMs * 1e6 >= nanos - 1, nanos + " ns within its bucket's bound " + boundMs + " ms");
            assertTrue(nanos < LatencyHistogram.FIRST_BOUND_NANOS || boundMs * 1e6 <= nanos * 1.19 + 1, nanos + " ns: bound " + boundMs);
        }
        LatencyHistogram histogram = new LatencyHistogram();
        long[] before = histogram.snapshot();
        for (int i = 0; i < 98; i++) {
            histogram.record(1_000_000); // 1 ms
        }
        histogram.record(20_000_000);
        histogram.record(20_000_000);
        double p99 = LatencyHistogram.quantileMs(before, histogram.snapshot(), 0.99);
        assertTrue(p99 >= 20 && p99 < 24, "the 99th of 100 is one of the two 20 ms: " + p99);
        double p50 = LatencyHistogram.quantileMs(before, histogram.snapshot(), 0.5);
        assertTrue(p50 >= 1 && p50 < 1.2, "p50 " + p50);
        assertTrue(Double.isNaN(LatencyHistogram.quantileMs(histogram.snapshot(), histogram.snapshot(), 0.99)), "nothing recorded between");
        assertThrows(IllegalArgumentException.class, () -> LatencyHistogram.quantileMs(before, before, 1.5));
    }

    @Test
    void theSamplerTurnsTotalsIntoRatesAndQuantilesPerInterval() {
        MetricsHistory history = new MetricsHistory(10);
        HistorySampler sampler = new HistorySampler(history);
        LatencyHistogram latencies = new LatencyHistogram();
        MetricsHistory.Sample first = sampler.sample(10_000, 500, latencies.snapshot(), null);
        assertTrue(Double.isNaN(first.commitsPerSecond()), "no rate without a previous sample");
        assertFalse(first.proxiesKnown());

        for (int i = 0; i < 100; i++) {
            latencies.record(2_000_000);
        }
        List<MetricsHistory.ProxyLag> proxies = List.of(new MetricsHistory.ProxyLag("edge-1", "haproxy", 7));
        MetricsHistory.Sample second = sampler.sample(12_000, 700, latencies.snapshot(), proxies);
        assertEquals(100.0, second.commitsPerSecond(), 1e-9, "200 commits in 2 s");
        assertTrue(second.commitP99Ms() >= 2 && second.commitP99Ms() < 2.4, "p99 " + second.commitP99Ms());
        assertTrue(second.proxiesKnown());
        assertEquals(proxies, second.proxies());

        MetricsHistory.Sample idle = sampler.sample(13_000, 700, latencies.snapshot(), List.of());
        assertEquals(0.0, idle.commitsPerSecond(), "no commits in the last second");
        assertTrue(Double.isNaN(idle.commitP99Ms()), "only this interval's latencies count: " + idle.commitP99Ms());
        assertEquals(List.of(10_000L, 12_000L, 13_000L), times(history));
    }

    @Test
    void theSamplerKeepsAtMostTheProxiesASampleHolds() {
        List<MetricsHistory.ProxyLag> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add(new MetricsHistory.ProxyLag(String.format("agent-%02d", i), "nginx", i));
        }
        MetricsHistory.Sample sample = new HistorySampler(new MetricsHistory(2)).sample(1, 0, new long[LatencyHistogram.BUCKETS], many);
        assertEquals(MetricsHistory.PROXIES_PER_SAMPLE_MAX, sample.proxies().size());
        assertEquals("agent-00", sample.proxies().get(0).agent());
        assertThrows(IllegalArgumentException.class, () -> new HistorySampler(new MetricsHistory(2)).sample(1, 0, new long[3], null));
    }

    @Test
    void theHistoryJsonAlignsEverySeriesWithItsTimesAndMarksGaps() {
        MetricsHistory history = new MetricsHistory(10);
        HistorySampler sampler = new HistorySampler(history);
        LatencyHistogram latencies = new LatencyHistogram();
        sampler.sample(1_000, 0, latencies.snapshot(), null);
        latencies.record(1_000_000);
        sampler.sample(2_000, 3, latencies.snapshot(), List.of(new MetricsHistory.ProxyLag("edge-1", "haproxy", 2)));
        sampler.sample(3_000, 4, latencies.snapshot(), List.of(new MetricsHistory.ProxyLag("edge-2", "nginx", 0)));
        String json = JsonViews.history(1, 1000, 10, history.samples());
        assertTrue(json.contains("\"atMs\":[1000,2000,3000]"), json);
        assertTrue(json.contains("\"commitsPerSecond\":[null,3,1]"), json);
        assertTrue(json.contains("\"commitLatencyP99Ms\":[null,1,null]"), json);
        assertTrue(json.contains("{\"agent\":\"edge-1\",\"proxy\":\"haproxy\",\"lagEntries\":[null,2,null]}"), json);
        assertTrue(json.contains("{\"agent\":\"edge-2\",\"proxy\":\"nginx\",\"lagEntries\":[null,null,0]}"), json);
        assertTrue(json.contains("\"proxiesKnown\":true"), json);
    }

    private static List<Long> times(MetricsHistory history) {
        return history.samples().stream().map(MetricsHistory.Sample::atMs).toList();
    }
}
