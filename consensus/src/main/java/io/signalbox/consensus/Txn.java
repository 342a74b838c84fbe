package io.signalbox.consensus;

import io.signalbox.common.Zxid;
import java.util.Arrays;

/** One transaction of the replicated log: its zxid and the opaque command bytes. */
public record Txn(long zxid, byte[] payload) {
    public Txn {
        if (!(Zxid.counter(zxid) > 0)) {
            throw Checks.badArgument("a txn's zxid counter starts at 1, got %s", Zxid.format(zxid));
        }
        if (!(payload != null)) {
            throw Checks.badArgument("payload must not be null");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Txn t && t.zxid == zxid && Arrays.equals(t.payload, payload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(zxid) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Txn[" + Zxid.format(zxid) + ", " + payload.length + " bytes]";
    }
}
