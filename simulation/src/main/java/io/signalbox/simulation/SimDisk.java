package io.signalbox.simulation;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.Membership;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import io.signalbox.node.NodeEffect;
import io.signalbox.storage.Epochs;
import io.signalbox.storage.InMemoryEpochStore;
import io.signalbox.storage.InMemorySnapshotStore;
import io.signalbox.storage.InMemoryTxnLog;
import io.signalbox.storage.LogEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.SplittableRandom;

/**
 * One node's simulated disk, with the contract of {@link NodeEffect}: a single writer that
 * makes writes durable in the order they were handed over, a batch at a time (group commit:
 * whatever queued while the previous batch was written goes in the next). The stores hold
 * what is durable and survive a crash; a crash lands in the middle of the batch being
 * written, so some prefix of it reached the disk and the rest is lost, and everything queued
 * behind it is lost. Epoch writes can be put apart from the log, as ZooKeeper's epoch files
 * are ({@link EpochWrites}), to host the bugs that lived in that gap.
 */
final class SimDisk {
    /** What one batch made durable: the highest write id (0: none), where the log ends, and the node's own snapshots written. */
    record Report(long writeId, long logLastZxid, List<Long> snapshotZxids) {
        @Override
        public String toString() {
            return "through write " + writeId + ", log to " + Zxid.format(logLastZxid)
                    + (snapshotZxids.isEmpty() ? "" : ", snapshots " + snapshotZxids.stream().map(Zxid::format).toList());
        }
    }

    /** One write reached the disk; the observer may crash the node right after it (a crash point). */
    interface Observer {
        void performed(String kind, Object detail, long fingerprint);

        boolean crashPointHits();
    }

    /** Where epoch writes go. */
    enum EpochWrites {
        /** In order with everything else: Signalbox's storage. */
        IN_ORDER,
        /** Durable at once, ahead of the log, but reported in order (ZooKeeper's epoch file; how ZOOKEEPER-4643 bit). */
        DURABLE_AHEAD,
        /** Durable and reported at once, ahead of the log queued before them (the ZOOKEEPER-4646 race). */
        REPORTED_AHEAD
    }

    /** Writes in one batch at most, so a batch's latency stays a disk's. */
    static final int BATCH_WRITES_MAX = 256;

    final InMemoryTxnLog log = new InMemoryTxnLog();
    final InMemoryEpochStore epochs = new InMemoryEpochStore();
    final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
    /** The configuration in force at each stored snapshot's zxid, written and dropped with it (the store keeps only state). */
    private final TreeMap<Long, Membership> snapshotMemberships = new TreeMap<>();
    private final EpochWrites epochWrites;
    private final ArrayDeque<NodeEffect> queued = new ArrayDeque<>();
    private final List<NodeEffect> inFlight = new ArrayList<>();

    SimDisk(EpochWrites epochWrites) {
        this.epochWrites = epochWrites;
    }

    /**
     * Only under {@link EpochWrites#REPORTED_AHEAD}: an epoch write done at once, and its report
     * to deliver now (claiming, as the race did, that the log queued before it is durable too).
     * Null for every other write, which goes to {@link #submit}.
     */
    Report writeAhead(NodeEffect write) {
        if (epochWrites == EpochWrites.REPORTED_AHEAD && write instanceof NodeEffect.Durable durable
                && durable.write() instanceof Effect.PersistEpochs persist) {
            epochs.store(new Epochs(persist.acceptedEpoch(), persist.currentEpoch()));
            return new Report(persist.writeId(), log.lastZxid(), List.of());
        }
        return null;
    }

    /** Queues a {@link NodeEffect.Durable} or {@link NodeEffect.TakeSnapshot}; true when the disk was idle and a batch must start. */
    boolean submit(NodeEffect write) {
        if (!(write instanceof NodeEffect.Durable || write instanceof NodeEffect.TakeSnapshot)) {
            throw new IllegalArgumentException("not a write for the disk: " + write);
        }
        if (epochWrites == EpochWrites.DURABLE_AHEAD && write instanceof NodeEffect.Durable durable
                && durable.write() instanceof Effect.PersistEpochs persist) {
            epochs.store(new Epochs(persist.acceptedEpoch(), persist.currentEpoch()));
        }
        queued.add(write);
        return startBatch();
    }

    /** True when a new batch left the queue for the disk (the host schedules its completion). */
    boolean startBatch() {
        if (!inFlight.isEmpty() || queued.isEmpty()) {
            return false;
        }
        while (!queued.isEmpty() && inFlight.size() < BATCH_WRITES_MAX) {
            inFlight.add(queued.poll());
        }
        return true;
    }

    /**
     * The batch in flight reaches the disk, write by write. Returns its report, or null when a
     * crash point hit after some write (the rest of the batch is lost; the caller crashes the node).
     */
    Report completeBatch(Observer observer) {
        long writeId = 0;
        List<Long> snapshotZxids = new ArrayList<>();
        for (NodeEffect write : inFlight) {
            perform(write, observer);
            if (write instanceof NodeEffect.Durable durable) {
                writeId = durable.write().writeId();
            } else {
                snapshotZxids.add(((NodeEffect.TakeSnapshot) write).snapshot().zxid());
            }
            if (observer.crashPointHits()) {
                inFlight.clear();
                return null;
            }
        }
        inFlight.clear();
        return new Report(writeId, log.lastZxid(), snapshotZxids);
    }

    /** kill -9 or power loss: a random prefix of the batch in flight made it; the rest and the queue are gone. */
    void crash(SplittableRandom random, Observer observer) {
        int made = inFlight.isEmpty() ? 0 : random.nextInt(inFlight.size() + 1);
        for (int i = 0; i < made; i++) {
            perform(inFlight.get(i), observer);
        }
        inFlight.clear();
        queued.clear();
        snapshots.crash();
    }

    boolean idle() {
        return inFlight.isEmpty() && queued.isEmpty();
    }

    private void perform(NodeEffect write, Observer observer) {
        if (write instanceof NodeEffect.TakeSnapshot take) {
            Snapshot snapshot = take.snapshot();
            writeSnapshot(snapshot);
            log.compactUpTo(snapshot.zxid());
            observer.performed("snapshot", snapshot, snapshot.zxid());
            return;
        }
        Effect.DurableWrite durable = ((NodeEffect.Durable) write).write();
        if (durable instanceof Effect.AppendTxns append) {
            List<LogEntry> entries = new ArrayList<>(append.txns().size());
            for (Txn txn : append.txns()) {
                entries.add(new LogEntry(txn.zxid(), Zxid.epoch(txn.zxid()), txn.payload()));
            }
            log.appendDurably(entries);
        } else if (durable instanceof Effect.PersistEpochs persist) {
            if (epochWrites == EpochWrites.IN_ORDER) {
                epochs.store(new Epochs(persist.acceptedEpoch(), persist.currentEpoch()));
            }
            observer.performed("persist-epochs", persist, persist.acceptedEpoch() * 31 + persist.currentEpoch());
        } else if (durable instanceof Effect.TruncateLog truncate) {
            log.truncateAfter(truncate.afterZxid());
            observer.performed("truncate", truncate, truncate.afterZxid());
        } else if (durable instanceof Effect.InstallSnapshot install) {
            Snapshot snapshot = install.snapshot();
            if (install.durable()) {
                writeSnapshot(snapshot);
            }
            log.reset(snapshot.zxid());
            observer.performed("install-snapshot", snapshot + (install.durable() ? "" : " (in memory only)"), snapshot.zxid());
        }
    }

    private void writeSnapshot(Snapshot snapshot) {
        snapshots.writeWhole(snapshot.zxid(), snapshot.state());
        if (snapshot.membership() != null) {
            snapshotMemberships.put(snapshot.zxid(), snapshot.membership());
        }
        snapshots.deleteOlderThan(snapshot.zxid());
        snapshotMemberships.headMap(snapshot.zxid(), false).clear();
    }

    /** True when this disk holds {@code zxid} durably: under its snapshot, or as a durable log record. */
    boolean holdsDurably(long zxid) {
        if (zxid <= log.compactedUpTo()) {
            return true;
        }
        if (zxid > log.lastDurableZxid()) {
            return false;
        }
        List<LogEntry> found = log.read(zxid - 1, 1);
        return !found.isEmpty() && found.get(0).zxid() == zxid;
    }

    /** The configuration recorded with the snapshot at {@code zxid}, or null when none was. */
    Membership snapshotMembership(long zxid) {
        return snapshotMemberships.get(zxid);
    }
}
