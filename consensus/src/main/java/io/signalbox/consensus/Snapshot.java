package io.signalbox.consensus;

import io.signalbox.common.Zxid;
import java.util.Arrays;

/**
 * The state machine's state after applying every txn up to and including {@code zxid}.
 * The core treats {@code state} as opaque; the genesis snapshot has zxid 0 and no bytes,
 * which every state machine reads as its empty state.
 */
public record Snapshot(long zxid, byte[] state) {
    public static final Snapshot GENESIS = new Snapshot(Zxid.ZERO, new byte[0]);

    public Snapshot {
        if (!(state != null)) {
            throw Checks.badArgument("snapshot state must not be null");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Snapshot s && s.zxid == zxid && Arrays.equals(s.state, state);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(zxid) * 31 + Arrays.hashCode(state);
    }

    @Override
    public String toString() {
        return "Snapshot[" + Zxid.format(zxid) + ", " + state.length + " bytes]";
    }
}
