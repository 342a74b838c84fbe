package io.signalbox.common;

/**
 * A zxid names one transaction: {@code (epoch << 32) | counter}. Zxids compare as
 * unsigned 64-bit numbers; epochs here stay far below 2^31, so signed comparison of
 * the long value is the same order.
 */
public final class Zxid {
    /** The zxid before any transaction: epoch 0, counter 0. */
    public static final long ZERO = 0L;
    /** The largest counter a leader may assign before it must start a new epoch (ZOOKEEPER-1277). */
    public static final long COUNTER_MAX = 0xffff_fffeL;

    private Zxid() {}

    public static long of(long epoch, long counter) {
        if (epoch < 0 || epoch > 0x7fff_ffffL) {
            throw new IllegalArgumentException("epoch " + epoch + " out of range: 0..2147483647");
        }
        if (counter < 0 || counter > 0xffff_ffffL) {
            throw new IllegalArgumentException("counter " + counter + " out of range: 0..4294967295");
        }
        return (epoch << 32) | counter;
    }

    public static long epoch(long zxid) {
        return zxid >>> 32;
    }

    public static long counter(long zxid) {
        return zxid & 0xffff_ffffL;
    }

    /** Human form used in every log line and trace: {@code 3:17} is epoch 3, counter 17. */
    public static String format(long zxid) {
        return epoch(zxid) + ":" + counter(zxid);
    }
}
