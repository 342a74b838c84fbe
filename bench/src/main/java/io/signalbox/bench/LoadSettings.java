package io.signalbox.bench;

import java.util.List;

/**
 * What the load benchmarks ({@code bench cluster}, {@code bench compare}) share: cluster size,
 * measured and warm-up seconds per row, the numbers of requests in flight, value size and
 * server heap. Checked when built: a refused value names itself and what is allowed.
 *
 * @param seconds measured seconds per row, in (0, 600]
 * @param warmupSeconds seconds of the same load before each row, in [0, 600]
 * @param outstanding requests in flight, one row each
 * @param heap the servers' -Xmx, like 512m or 1g
 */
public record LoadSettings(int nodes, double seconds, double warmupSeconds, List<Integer> outstanding, int valueBytes, String heap) {
    public static final int OUTSTANDING_MAX = 10_000;
    /** The value rides in one server's labels, 50 characters each (see {@link ClusterBench}): at most ten labels. */
    public static final int VALUE_BYTES_MAX = 500;
    public static final double SECONDS_MAX = 600;

    public LoadSettings {
        if (nodes != 3 && nodes != 5) {
            throw new IllegalArgumentException("--nodes must be 3 or 5, got " + nodes);
        }
        SettingChecks.inRange("--value-bytes", valueBytes, 1, VALUE_BYTES_MAX);
        if (!(seconds > 0 && seconds <= SECONDS_MAX)) {
            throw new IllegalArgumentException("--duration must be more than 0 and at most 600 seconds, got " + seconds);
        }
        if (!(warmupSeconds >= 0 && warmupSeconds <= SECONDS_MAX)) {
            throw new IllegalArgumentException("--warmup must be in 0..600 seconds, got " + warmupSeconds);
        }
        if (outstanding.isEmpty()) {
            throw new IllegalArgumentException("--outstanding needs at least one number of requests in flight, got none");
        }
        for (int count : outstanding) {
            SettingChecks.inRange("--outstanding values", count, 1, OUTSTANDING_MAX);
        }
        if (heap == null || !heap.matches("[1-9][0-9]{0,5}[mg]")) {
            throw new IllegalArgumentException("--heap must be a -Xmx size like 512m or 1g (1 to 6 digits, then m or g), got " + heap);
        }
        outstanding = List.copyOf(outstanding);
    }
}
