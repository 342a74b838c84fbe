package io.signalbox.server.node;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.RecoveredState;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import io.signalbox.node.NodeEffect;
import io.signalbox.server.NodeConfig;
import io.signalbox.storage.Epochs;
import io.signalbox.storage.LogEntry;
import io.signalbox.storage.NodeStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns a node's RocksDB log, epochs and snapshot files. The loop hands it
 * the node's writes in effect order ({@link #submit}); it makes them durable in that order, a
 * batch at a time (whatever queued while the last batch was on disk, consecutive appends in one
 * synced write), and reports each batch back to the loop: the highest write id, and the
 * snapshots written. So the loop never waits for the disk, unless {@link #QUEUED_WRITES_MAX}
 * writes wait already. After a storage failure nothing more is written or reported: a log
 * that failed a write or an fsync is never trusted again (retrying an fsync that failed may
 * report success for data the kernel already dropped, PostgreSQL's "fsyncgate"). It logs one
 * line with the zxid and tells its owner, who stops the node; a restart recovers from what
 * the log really holds and from the peers.
 */
final class StorageWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageWriter.class);
    /** Writes waiting for the disk at most; {@link #submit} blocks the loop beyond it. */
    static final int QUEUED_WRITES_MAX = 10_000;
    /** Writes in one batch at most, so one report never waits behind an unbounded backlog. */
    static final int BATCH_WRITES_MAX = 2_000;

    /** Called on the writer's thread after each batch; hand it to the loop. */
    interface Reports {
        void written(long writeId, List<Long> snapshotZxids);
    }

    private record Job(NodeEffect write, long submittedNanos) {}

    private static final Job STOP = new Job(null, 0);

    private final NodeConfig config;
    private final NodeStorage storage;
    private final NodeMetrics metrics;
    private final Reports reports;
    private final Runnable onFailure;
    private final boolean ackBeforeFsync;
    private long lastSyncNanos = System.nanoTime();
    /** The last zxid of the appends being written in this batch (0: none yet), for the failure's log line. */
    private long writingZxid;
    private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(QUEUED_WRITES_MAX + 1);
    private final Thread writer;
    private volatile boolean failed;
    private volatile long batchesWithAppends;
    private volatile long entriesAppended;

    /**
     * @param onFailure      called once, on the writer's thread, after a storage failure
     * @param ackBeforeFsync TEST ONLY: appends are reported before their fsync (synced about once a
     *                       second instead), so the chaos harness can show that power loss catches it
     */
    StorageWriter(NodeConfig config, NodeStorage storage, NodeMetrics metrics, Reports reports, Runnable onFailure,
                  boolean ackBeforeFsync) {
        this.config = config;
        this.storage = storage;
        this.metrics = metrics;
        this.reports = reports;
        this.onFailure = onFailure;
        this.ackBeforeFsync = ackBeforeFsync;
        metrics.groupCommit(() -> batchesWithAppends, () -> entriesAppended);
        this.writer = new Thread(this::run, "signalbox-storage-" + config.id());
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** What the storage holds after a restart (or nothing, for a new node); logs one line with what was found. */
    static RecoveredState recover(NodeConfig config, NodeStorage storage) {
        NodeStorage.Recovered recovered = storage.recover();
        Snapshot snapshot = recovered.snapshot().map(s -> io.signalbox.node.Node.recoveredSnapshot(s.zxid(), s.state()))
                .orElse(Snapshot.GENESIS);
        List<Txn> txns = new ArrayList<>(recovered.entries().size());
        for (LogEntry entry : recovered.entries()) {
            txns.add(new Txn(entry.zxid(), entry.payload()));
        }
        Epochs epochs = recovered.epochs();
        LOG.info("node {} recovered: acceptedEpoch={} currentEpoch={} snapshot={}{} log entries={} last={}{}", config.id(),
                epochs.acceptedEpoch(), epochs.currentEpoch(), Zxid.format(snapshot.zxid()),
                snapshot.membership() == null ? "" : " (" + snapshot.membership() + ")", txns.size(),
                Zxid.format(recovered.lastZxid()),
                recovered.tornZxid() >= 0 ? " (dropped torn tail entry " + Zxid.format(recovered.tornZxid()) + ")" : "");
        return new RecoveredState(epochs.acceptedEpoch(), epochs.currentEpoch(), snapshot, txns);
    }

    /** A {@link NodeEffect.Durable} or {@link NodeEffect.TakeSnapshot}, in effect order; on the loop thread. */
    void submit(NodeEffect write) {
        if (!(write instanceof NodeEffect.Durable || write instanceof NodeEffect.TakeSnapshot)) {
            throw new IllegalArgumentException("not a write for storage: " + write);
        }
        if (failed) {
            return;
        }
        try {
            queue.put(new Job(write, System.nanoTime()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("node " + config.id() + " interrupted while its storage queue was full", e);
        }
    }

    private void run() {
        List<Job> batch = new ArrayList<>();
        try {
            while (true) {
                Job first = queue.take();
                if (first == STOP) {
                    return;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH_WRITES_MAX - 1);
                boolean stop = batch.remove(STOP);
                writingZxid = 0;
                writeBatch(batch);
                batch.clear();
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failed = true;
            LOG.error("node {} storage failure writing up to zxid {} (durable up to {}): {}; it stops serving, trusting nothing "
                    + "an fsync did not confirm; restart it to recover from its log and its peers", config.id(),
                    Zxid.format(writingZxid != 0 ? writingZxid : storage.txnLog().lastZxid()), Zxid.format(storage.txnLog().lastDurableZxid()),
                    e.toString());
            onFailure.run();
        }
    }

    private void writeBatch(List<Job> batch) {
        long writeId = 0;
        List<Long> snapshots = new ArrayList<>();
        List<LogEntry> appends = new ArrayList<>();
        List<Job> appendJobs = new ArrayList<>();
        for (Job job : batch) {
            if (job.write instanceof NodeEffect.Durable durable && durable.write() instanceof Effect.AppendTxns append) {
                for (Txn txn : append.txns()) {
                    appends.add(new LogEntry(txn.zxid(), Zxid.epoch(txn.zxid()), txn.payload()));
                }
                appendJobs.add(job);
            } else {
                flushAppends(appends, appendJobs);
                if (job.write instanceof NodeEffect.TakeSnapshot take) {
                    takeSnapshot(take.snapshot());
                    snapshots.add(take.snapshot().zxid());
                } else {
                    write(((NodeEffect.Durable) job.write).write());
                }
            }
            if (job.write instanceof NodeEffect.Durable durable) {
                writeId = durable.write().writeId();
            }
        }
        flushAppends(appends, appendJobs);
        reports.written(writeId, snapshots);
    }

    /** Consecutive appends: one synced write. */
    private void flushAppends(List<LogEntry> entries, List<Job> jobs) {
        if (entries.isEmpty()) {
            return;
        }
        writingZxid = entries.get(entries.size() - 1).zxid();
        if (ackBeforeFsync) {
            storage.txnLog().append(entries);
            if (System.nanoTime() - lastSyncNanos > TimeUnit.SECONDS.toNanos(1)) {
                storage.txnLog().sync();
                lastSyncNanos = System.nanoTime();
            }
        } else {
            storage.txnLog().appendDurably(entries);
        }
        long done = System.nanoTime();
        for (Job job : jobs) {
            metrics.appended(done - job.submittedNanos);
        }
        batchesWithAppends++;
        entriesAppended += entries.size();
        entries.clear();
        jobs.clear();
    }

    private void write(Effect.DurableWrite write) {
        if (write instanceof Effect.PersistEpochs persist) {
            storage.epochStore().store(new Epochs(persist.acceptedEpoch(), persist.currentEpoch()));
        } else if (write instanceof Effect.TruncateLog truncate) {
            storage.txnLog().truncateAfter(truncate.afterZxid());
            LOG.info("node {} truncated its log after {}", config.id(), Zxid.format(truncate.afterZxid()));
        } else if (write instanceof Effect.InstallSnapshot install) {
            Snapshot snapshot = install.snapshot();
            storage.snapshotStore().writeWhole(snapshot.zxid(), snapshot.state());
            storage.txnLog().reset(snapshot.zxid());
            storage.snapshotStore().deleteOlderThan(snapshot.zxid());
            LOG.info("node {} installed a snapshot at {} from its leader ({} bytes)", config.id(), Zxid.format(snapshot.zxid()),
                    snapshot.state().length);
        } else {
            throw new IllegalArgumentException("not a write for storage: " + write);
        }
    }

    /** The node's own snapshot: written whole, then the log entries it covers are dropped. */
    private void takeSnapshot(Snapshot snapshot) {
        long started = System.nanoTime();
        storage.snapshotStore().writeWhole(snapshot.zxid(), snapshot.state());
        storage.compactTo(snapshot.zxid());
        LOG.info("node {} took a snapshot at {}: {} bytes in {} ms", config.id(), Zxid.format(snapshot.zxid()), snapshot.state().length,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Writes what was submitted before, then stops the thread; the caller closes the storage afterwards. */
    @Override
    public void close() {
        try {
            if (!queue.offer(STOP, 10, TimeUnit.SECONDS)) {
                LOG.warn("node {} storage queue still full after 10 s; stopping its writer", config.id());
                writer.interrupt();
            }
            writer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
