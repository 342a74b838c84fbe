package io.signalbox.server.node;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.RecoveredState;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import io.signalbox.server.NodeConfig;
import io.signalbox.storage.Epochs;
import io.signalbox.storage.GroupCommitLog;
import io.signalbox.storage.LogEntry;
import io.signalbox.storage.NodeStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's durable writes on RocksDB and snapshot files, on the node loop's thread: epochs,
 * truncations and snapshot installs synchronously, in effect order; appends through group
 * commit, whose completion comes back to the loop as {@code persisted}. A truncation or a
 * snapshot first waits for the appends already queued (the log changes underneath them).
 */
final class DurableWrites implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DurableWrites.class);
    static final int LOG_QUEUED_ENTRIES_MAX = 50_000;
    static final int LOG_BATCH_ENTRIES_MAX = 5_000;

    private final NodeConfig config;
    private final NodeStorage storage;
    private final NodeMetrics metrics;
    private final LongConsumer persisted;
    private volatile GroupCommitLog log;
    /** Rounds and entries of group-commit logs replaced after a truncation or compaction. */
    private volatile long closedRounds;
    private volatile long closedEntries;
    private CompletableFuture<Long> lastAppend = CompletableFuture.completedFuture(0L);

    /** @param persisted called on a group-commit thread with the zxid the log is durable to; hand it to the loop */
    DurableWrites(NodeConfig config, NodeStorage storage, NodeMetrics metrics, LongConsumer persisted) {
        this.config = config;
        this.storage = storage;
        this.metrics = metrics;
        this.persisted = persisted;
        this.log = newLog();
        metrics.groupCommit(() -> closedRounds + log.stats().batches(), () -> closedEntries + log.stats().entries());
    }

    /** What the storage holds after a restart (or nothing, for a new node); logs one line with what was found. */
    static Recovered recover(NodeConfig config, NodeStorage storage) {
        NodeStorage.Recovered recovered = storage.recover();
        Snapshot snapshot = recovered.snapshot().map(s -> new Snapshot(s.zxid(), s.state())).orElse(Snapshot.GENESIS);
        List<Txn> txns = new ArrayList<>(recovered.entries().size());
        for (LogEntry entry : recovered.entries()) {
            txns.add(new Txn(entry.zxid(), entry.payload()));
        }
        Epochs epochs = recovered.epochs();
        LOG.info("node {} recovered: acceptedEpoch={} currentEpoch={} snapshot={} log entries={} last={}{}", config.id(),
                epochs.acceptedEpoch(), epochs.currentEpoch(), Zxid.format(snapshot.zxid()), txns.size(),
                Zxid.format(recovered.lastZxid()),
                recovered.tornZxid() >= 0 ? " (dropped torn tail entry " + Zxid.format(recovered.tornZxid()) + ")" : "");
        return new Recovered(new RecoveredState(epochs.acceptedEpoch(), epochs.currentEpoch(), snapshot, txns), recovered.lastZxid());
    }

    record Recovered(RecoveredState state, long lastZxid) {}

    private GroupCommitLog newLog() {
        return new GroupCommitLog(storage.txnLog(), LOG_QUEUED_ENTRIES_MAX, LOG_BATCH_ENTRIES_MAX);
    }

    /** One of the core's durable writes; see {@link Effect}. */
    void write(Effect write) {
        if (write instanceof Effect.AppendTxns append) {
            append(append.txns());
        } else if (write instanceof Effect.PersistEpochs persist) {
            storage.epochStore().store(new Epochs(persist.acceptedEpoch(), persist.currentEpoch()));
        } else if (write instanceof Effect.TruncateLog truncate) {
            quiesceLog();
            storage.txnLog().truncateAfter(truncate.afterZxid());
            replaceLog();
            LOG.info("node {} truncated its log after {}", config.id(), Zxid.format(truncate.afterZxid()));
        } else if (write instanceof Effect.InstallSnapshot install) {
            Snapshot snapshot = install.snapshot();
            quiesceLog();
            storage.snapshotStore().writeWhole(snapshot.zxid(), snapshot.state());
            storage.txnLog().reset(snapshot.zxid());
            storage.snapshotStore().deleteOlderThan(snapshot.zxid());
            replaceLog();
            LOG.info("node {} installed a snapshot at {} from its leader ({} bytes)", config.id(), Zxid.format(snapshot.zxid()),
                    snapshot.state().length);
        } else {
            throw new IllegalArgumentException("not a durable write: " + write);
        }
    }

    /** The node's own snapshot: written whole, then the log entries it covers are dropped. */
    void takeSnapshot(Snapshot snapshot) {
        long started = System.nanoTime();
        storage.snapshotStore().writeWhole(snapshot.zxid(), snapshot.state());
        quiesceLog();
        storage.compactTo(snapshot.zxid());
        replaceLog();
        LOG.info("node {} took a snapshot at {}: {} bytes in {} ms", config.id(), Zxid.format(snapshot.zxid()), snapshot.state().length,
                (System.nanoTime() - started) / 1_000_000);
    }

    private void append(List<Txn> txns) {
        List<LogEntry> entries = new ArrayList<>(txns.size());
        for (Txn txn : txns) {
            entries.add(new LogEntry(txn.zxid(), Zxid.epoch(txn.zxid()), txn.payload()));
        }
        long started = System.nanoTime();
        CompletableFuture<Long> done = log.append(entries);
        lastAppend = done;
        done.whenComplete((zxid, failure) -> {
            if (failure != null) {
                LOG.error("node {} cannot write its log: {}; stopping this node's writes", config.id(), failure.getMessage());
                return;
            }
            metrics.appended(System.nanoTime() - started);
            persisted.accept(zxid);
        });
    }

    /** Waits until every queued append is durable, so the log can be changed underneath. */
    private void quiesceLog() {
        lastAppend.exceptionally(failure -> 0L).join();
        log.close();
    }

    /** After the log was changed underneath: a fresh group-commit writer, its predecessor's totals kept for metrics. */
    private void replaceLog() {
        GroupCommitLog.Stats stats = log.stats();
        GroupCommitLog fresh = newLog();
        closedRounds += stats.batches();
        closedEntries += stats.entries();
        log = fresh;
    }

    @Override
    public void close() {
        quiesceLog();
    }
}
