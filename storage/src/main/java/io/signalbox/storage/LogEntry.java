package io.signalbox.storage;

import io.signalbox.common.Zxid;
import java.util.Arrays;

/** One entry of the transaction log: zxid, the epoch it was proposed in, and the payload. */
public record LogEntry(long zxid, long epoch, byte[] payload) {
    public LogEntry {
        if (payload == null) {
            throw new IllegalArgumentException("log entry payload must not be null");
        }
        if (epoch != (zxid >>> 32)) {
            throw new IllegalArgumentException("log entry epoch " + epoch + " does not match zxid epoch " + (zxid >>> 32));
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LogEntry e && e.zxid == zxid && e.epoch == epoch && Arrays.equals(e.payload, payload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(zxid) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "LogEntry[" + Zxid.format(zxid) + ", " + payload.length + " bytes]";
    }
}
