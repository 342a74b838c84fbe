package io.signalbox.server.node;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts of latencies in quarter-octave buckets, recorded without locks (one atomic increment
 * on the recording thread), so the metrics history can compute a p99 per sample from the
 * difference of two snapshots. Bucket {@code i} counts latencies up to
 * {@code FIRST_BOUND_NANOS * 2^(i/4)}; the last bucket also takes everything longer. A
 * quantile is reported as its bucket's upper bound: at most 19% above the true value.
 */
final class LatencyHistogram {
    static final long FIRST_BOUND_NANOS = 62_500; // so 1, 2, 4, 8 ms... are bounds
    static final int BUCKETS = 80; // the last bound is about 58 s
    private static final double STEPS_PER_OCTAVE = 4;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    void record(long nanos) {
        counts.incrementAndGet(bucket(nanos));
    }

    static int bucket(long nanos) {
        if (nanos <= FIRST_BOUND_NANOS) {
            return 0;
        }
        double steps = Math.ceil(STEPS_PER_OCTAVE * Math.log((double) nanos / FIRST_BOUND_NANOS) / Math.log(2) - 1e-9);
        return (int) Math.min(BUCKETS - 1, Math.max(1, steps));
    }

    static double upperBoundMs(int bucket) {
        return FIRST_BOUND_NANOS * Math.pow(2, bucket / STEPS_PER_OCTAVE) / 1e6;
    }

    /** The counts so far, bucket by bucket (each read atomically; the set is not one instant). */
    long[] snapshot() {
        long[] copy = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            copy[i] = counts.get(i);
        }
        return copy;
    }

    /**
     * The {@code quantile} (0 < q <= 1) of the latencies recorded between two snapshots, in
     * milliseconds; NaN when none were.
     */
    static double quantileMs(long[] before, long[] after, double quantile) {
        if (!(quantile > 0 && quantile <= 1)) {
            throw new IllegalArgumentException("quantile " + quantile + " must be in (0, 1]");
        }
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += after[i] - before[i];
        }
        if (total <= 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += after[i] - before[i];
            if (seen >= rank) {
                return upperBoundMs(i);
            }
        }
        return upperBoundMs(BUCKETS - 1);
    }
}
