package io.signalbox.storage;

/** How storage names a zxid in messages: {@code epoch:counter}, as everywhere in Signalbox. */
public final class Zxids {
    private Zxids() {}

    public static String format(long zxid) {
        return (zxid >>> 32) + ":" + (zxid & 0xffffffffL);
    }
}
