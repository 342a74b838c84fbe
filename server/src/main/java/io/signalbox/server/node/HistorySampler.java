package io.signalbox.server.node;

import java.util.List;

/**
 * Turns running totals (commits, the commit-latency histogram) into one {@link
 * MetricsHistory.Sample} per call: rates and quantiles over the time since the previous call.
 * The caller supplies the time, so tests drive it without a clock. One caller at a time (the
 * admin port's sampling task).
 */
final class HistorySampler {
    static final double COMMIT_LATENCY_QUANTILE = 0.99;

    private final MetricsHistory history;
    private long previousAtMs = Long.MIN_VALUE;
    private long previousCommits;
    private long[] previousLatencies = new long[LatencyHistogram.BUCKETS];

    HistorySampler(MetricsHistory history) {
        this.history = history;
    }

    /**
     * Records the sample at {@code nowMs}.
     *
     * @param commitsTotal   entries committed since the node started
     * @param latencyCounts  {@link LatencyHistogram#snapshot()} of the commit latency
     * @param proxies        each agent's lag, or null when this node does not have the reports
     */
    MetricsHistory.Sample sample(long nowMs, long commitsTotal, long[] latencyCounts, List<MetricsHistory.ProxyLag> proxies) {
        if (latencyCounts.length != LatencyHistogram.BUCKETS) {
            throw new IllegalArgumentException(latencyCounts.length + " latency buckets; expected " + LatencyHistogram.BUCKETS);
        }
        double rate = Double.NaN;
        double p99 = Double.NaN;
        if (previousAtMs != Long.MIN_VALUE && nowMs > previousAtMs) {
            rate = Math.max(0, commitsTotal - previousCommits) * 1000.0 / (nowMs - previousAtMs);
            p99 = LatencyHistogram.quantileMs(previousLatencies, latencyCounts, COMMIT_LATENCY_QUANTILE);
        }
        List<MetricsHistory.ProxyLag> kept = proxies == null ? List.of()
                : proxies.subList(0, Math.min(proxies.size(), MetricsHistory.PROXIES_PER_SAMPLE_MAX));
        MetricsHistory.Sample sample = new MetricsHistory.Sample(nowMs, rate, p99, proxies != null, kept);
        history.add(sample);
        previousAtMs = nowMs;
        previousCommits = commitsTotal;
        previousLatencies = latencyCounts.clone();
        return sample;
    }
}
