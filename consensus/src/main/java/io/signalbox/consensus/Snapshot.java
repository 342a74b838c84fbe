package io.signalbox.consensus;

import io.signalbox.common.Zxid;
import java.util.Arrays;
import java.util.Objects;

/**
 * The state machine's state after applying every txn up to and including {@code zxid}.
 * The core treats {@code state} as opaque; the genesis snapshot has zxid 0 and no bytes,
 * which every state machine reads as its empty state.
 *
 * @param membership the configuration in force at {@code zxid}, or null when the snapshot's
 *                   writer did not record one: the core then takes the bootstrap configuration
 *                   ({@link ZabConfig#voters()}), right for every history without a change
 */
public record Snapshot(long zxid, byte[] state, Membership membership) {
    public static final Snapshot GENESIS = new Snapshot(Zxid.ZERO, new byte[0]);

    public Snapshot {
        if (!(state != null)) {
            throw Checks.badArgument("snapshot state must not be null");
        }
        if (!(membership == null || membership.zxid() <= zxid)) {
            throw Checks.badArgument("snapshot at %s carries %s, which took effect after it", Zxid.format(zxid), membership);
        }
    }

    /** A snapshot that records no configuration: the bootstrap one applies. */
    public Snapshot(long zxid, byte[] state) {
        this(zxid, state, null);
    }

    /** This snapshot with {@code inForce} recorded as its configuration. */
    public Snapshot withMembership(Membership inForce) {
        return new Snapshot(zxid, state, inForce);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Snapshot s && s.zxid == zxid && Arrays.equals(s.state, state) && Objects.equals(s.membership, membership);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(zxid) * 31 + Arrays.hashCode(state);
    }

    @Override
    public String toString() {
        return "Snapshot[" + Zxid.format(zxid) + ", " + state.length + " bytes" + (membership == null || membership.zxid() == Zxid.ZERO ? "" : ", " + membership) + "]";
    }
}
