package io.signalbox.server.node;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@link #SAMPLES_MAX} samples of the node's own metrics (one a second: ten minutes),
 * in a fixed-size ring, for the status page's charts ({@code /metrics/history}). Written by the
 * admin port's sampler and read by its requests, both off the node loop; the lock here is
 * never taken by the loop or the commit path, which only touch {@link LatencyHistogram}'s
 * and the counters' atomics.
 */
final class MetricsHistory {
    static final int SAMPLES_MAX = 600;
    /** Agents kept per sample (the first by agent id); the leader may hear from up to 4,096. */
    static final int PROXIES_PER_SAMPLE_MAX = 16;

    /** One sync agent's lag behind the leader's committed zxid, in log entries. */
    record ProxyLag(String agent, String proxy, long lagEntries) {}

    /**
     * One second of the node.
     *
     * @param atMs              wall-clock time of the sample
     * @param commitsPerSecond  entries committed and applied here since the previous sample, per second; NaN for the first
     * @param commitP99Ms       p99 commit latency (leader only) since the previous sample; NaN when nothing committed
     * @param proxiesKnown      whether this node had the proxies' reports (only the leader has them)
     * @param proxies           each reporting agent's lag, at most {@link #PROXIES_PER_SAMPLE_MAX}
     */
    record Sample(long atMs, double commitsPerSecond, double commitP99Ms, boolean proxiesKnown, List<ProxyLag> proxies) {
        Sample {
            if (proxies.size() > PROXIES_PER_SAMPLE_MAX) {
                throw new IllegalArgumentException(proxies.size() + " proxies in one sample; at most " + PROXIES_PER_SAMPLE_MAX);
            }
            proxies = List.copyOf(proxies);
        }
    }

    private final Sample[] ring;
    private int next;
    private int size;

    MetricsHistory() {
        this(SAMPLES_MAX);
    }

    MetricsHistory(int capacity) {
        if (capacity < 1 || capacity > SAMPLES_MAX) {
            throw new IllegalArgumentException("a history of " + capacity + " samples; allowed 1.." + SAMPLES_MAX);
        }
        this.ring = new Sample[capacity];
    }

    synchronized void add(Sample sample) {
        if (size > 0 && sample.atMs() < ring[(next - 1 + ring.length) % ring.length].atMs()) {
            throw new IllegalArgumentException("sample at " + sample.atMs() + " ms is older than the last one");
        }
        ring[next] = sample;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    /** Oldest first. */
    synchronized List<Sample> samples() {
        List<Sample> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(ring[(next - size + i + ring.length) % ring.length]);
        }
        return out;
    }

    int capacity() {
        return ring.length;
    }
}
