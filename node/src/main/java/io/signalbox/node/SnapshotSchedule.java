package io.signalbox.node;

import io.signalbox.consensus.Snapshot;
import java.util.function.Supplier;

/**
 * When a node snapshots its state: every {@code everyEntries} applied entries, once the log
 * holds them durably and no other snapshot is being written; the core drops the log prefix a
 * snapshot covers only once storage reports it written. At most one snapshot is in flight.
 */
final class SnapshotSchedule {
    private final int everyEntries;
    private long lastZxid;
    /** The snapshot handed to storage and not yet reported written, or null. */
    private Snapshot inFlight;
    private int appliedSince;

    /** @param startZxid the snapshot the node started from (genesis: zero) */
    SnapshotSchedule(int everyEntries, long startZxid) {
        this.everyEntries = everyEntries;
        this.lastZxid = startZxid;
    }

    void applied() {
        appliedSince++;
    }

    /** The state was replaced by the leader's snapshot at {@code zxid}: it supersedes ours, whether or not storage reports it. */
    void installed(long zxid) {
        inFlight = null;
        lastZxid = zxid;
        appliedSince = 0;
    }

    /** The snapshot to take now (made by {@code take}), or null when none is due. */
    Snapshot due(long appliedZxid, long persistedZxid, Supplier<Snapshot> take) {
        if (appliedSince < everyEntries || appliedZxid <= lastZxid || persistedZxid < appliedZxid || inFlight != null) {
            return null;
        }
        inFlight = take.get();
        lastZxid = appliedZxid;
        appliedSince = 0;
        return inFlight;
    }

    /**
     * Storage wrote the snapshot at {@code zxid}: ours if it is the one in flight (then returned
     * and no longer in flight), else null (an older one, or one a crash or the leader's overtook).
     */
    Snapshot written(long zxid) {
        if (inFlight == null || inFlight.zxid() != zxid) {
            return null;
        }
        Snapshot written = inFlight;
        inFlight = null;
        return written;
    }
}
