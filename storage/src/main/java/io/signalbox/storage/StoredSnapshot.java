package io.signalbox.storage;

import io.signalbox.common.Zxid;
import java.util.Arrays;

/** A complete, checksum-verified snapshot of the state machine at {@code zxid}. */
public record StoredSnapshot(long zxid, byte[] state) {
    @Override
    public boolean equals(Object other) {
        return other instanceof StoredSnapshot s && s.zxid == zxid && Arrays.equals(s.state, state);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(zxid) * 31 + Arrays.hashCode(state);
    }

    @Override
    public String toString() {
        return "StoredSnapshot[" + Zxid.format(zxid) + ", " + state.length + " bytes]";
    }
}
