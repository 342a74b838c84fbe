package io.signalbox.simulation;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.RecoveredState;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import io.signalbox.consensus.ZabConfig;
import io.signalbox.consensus.ZabCore;
import io.signalbox.storage.Epochs;
import io.signalbox.storage.InMemoryEpochStore;
import io.signalbox.storage.InMemorySnapshotStore;
import io.signalbox.storage.InMemoryTxnLog;
import io.signalbox.storage.LogEntry;
import io.signalbox.storage.StoredSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated node: durable storage that survives crashes (the in-memory stores with
 * crash semantics) and the volatile part that does not (the real {@link ZabCore}, the
 * state machine, an fsync in flight). It carries out the core's effects in order, as
 * the server's runtime will.
 */
final class SimNode {
    /** What the node reports to its simulator. */
    interface Host {
        void send(int from, int to, io.signalbox.consensus.message.ZabMessage message);

        void startDiskSync(SimNode node);

        void delivered(SimNode node, Txn txn);

        void stateReset(SimNode node, long snapshotZxid);

        void roleChanged(SimNode node, Effect.RoleChanged change);

        void traced(SimNode node, String kind, Object detail, long fingerprint);

        /** Should the process die right now, between two effects (a crash point)? */
        boolean crashPointHits(SimNode node);

        /** The node died at a crash point; the host schedules its restart. */
        void crashedAtCrashPoint(SimNode node);
    }

    final int id;
    private final ZabConfig config;
    private final Host host;
    final InMemoryTxnLog log = new InMemoryTxnLog();
    final InMemoryEpochStore epochs = new InMemoryEpochStore();
    final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
    private final int snapshotEveryTxns;
    ZabCore core;
    SimStateMachine state;
    int incarnation;
    boolean syncInFlight;
    long syncTargetZxid;
    private long lastSnapshotZxid;
    private int deliveredSinceSnapshot;

    SimNode(int id, ZabConfig config, int snapshotEveryTxns, Host host) {
        this.id = id;
        this.config = config;
        this.snapshotEveryTxns = snapshotEveryTxns;
        this.host = host;
    }

    boolean up() {
        return core != null;
    }

    /** Start-up: read back epochs, the newest valid snapshot and the log after it. */
    void start(SimulationOptions options, long coreSeed) {
        incarnation++;
        Epochs stored = epochs.load();
        StoredSnapshot stored_snapshot = snapshots.latest().orElse(null);
        Snapshot snapshot = stored_snapshot == null ? Snapshot.GENESIS : new Snapshot(stored_snapshot.zxid(), stored_snapshot.state());
        List<Txn> entries = new ArrayList<>();
        for (LogEntry entry : log.read(snapshot.zxid(), Integer.MAX_VALUE)) {
            entries.add(new Txn(entry.zxid(), entry.payload()));
        }
        RecoveredState recovered = new RecoveredState(stored.acceptedEpoch(), stored.currentEpoch(), snapshot, entries);
        SplittableRandom random = new SplittableRandom(coreSeed);
        core = options.bugs().isEmpty()
                ? ZabCore.create(config, recovered, random::nextLong)
                : ZabCore.withBugsForSimulation(config, recovered, random::nextLong, options.bugs());
        state = new SimStateMachine();
        state.restore(snapshot.state());
        lastSnapshotZxid = snapshot.zxid();
        deliveredSinceSnapshot = 0;
        syncInFlight = false;
        host.traced(this, "start", "epochs=" + stored.acceptedEpoch() + "/" + stored.currentEpoch() + " snapshot="
                + Zxid.format(snapshot.zxid()) + " log=" + Zxid.format(log.lastZxid()), log.lastZxid());
        host.stateReset(this, snapshot.zxid());
        applyEffects();
    }

    /** kill -9: unsynced writes may be lost or torn; in-flight snapshot writes vanish. */
    void crash(SplittableRandom random) {
        core = null;
        state = null;
        syncInFlight = false;
        log.crash(random::nextLong);
        long torn = log.recover();
        snapshots.crash();
        host.traced(this, "crash", "log durable to " + Zxid.format(log.lastZxid())
                + (torn >= 0 ? ", torn tail " + Zxid.format(torn) + " dropped" : ""), log.lastZxid());
    }

    /** The fsync started at {@link #syncTargetZxid} completed. */
    void diskSyncDone() {
        syncInFlight = false;
        long durable = log.syncThrough(syncTargetZxid);
        core.persisted(durable);
        applyEffects();
        if (up() && !syncInFlight && log.lastDurableZxid() < log.lastZxid()) {
            beginSync();
        }
    }

    void beginSync() {
        syncInFlight = true;
        syncTargetZxid = log.lastZxid();
        host.startDiskSync(this);
    }

    /** Carries out the core's effects strictly in order; see {@link Effect} for the contract. */
    void applyEffects() {
        while (up()) {
            List<Effect> effects = core.takeEffects();
            if (effects.isEmpty()) {
                break;
            }
            for (Effect effect : effects) {
                apply(effect);
                if (isDurableWrite(effect) && host.crashPointHits(this)) {
                    host.crashedAtCrashPoint(this);
                    return;
                }
            }
            maybeSnapshot();
        }
    }

    private static boolean isDurableWrite(Effect effect) {
        return effect instanceof Effect.PersistEpochs || effect instanceof Effect.TruncateLog
                || effect instanceof Effect.InstallSnapshot || effect instanceof Effect.AppendTxns;
    }

    private void apply(Effect effect) {
        if (effect instanceof Effect.Send send) {
            host.send(id, send.to(), send.message());
        } else if (effect instanceof Effect.AppendTxns append) {
            List<LogEntry> entries = new ArrayList<>(append.txns().size());
            for (Txn txn : append.txns()) {
                entries.add(new LogEntry(txn.zxid(), Zxid.epoch(txn.zxid()), txn.payload()));
            }
            log.append(entries);
            if (!syncInFlight) {
                beginSync();
            }
        } else if (effect instanceof Effect.Deliver deliver) {
            state.apply(deliver.txn());
            deliveredSinceSnapshot++;
            host.delivered(this, deliver.txn());
        } else if (effect instanceof Effect.PersistEpochs persist) {
            epochs.store(new Epochs(persist.acceptedEpoch(), persist.currentEpoch()));
            host.traced(this, "persist-epochs", persist, persist.acceptedEpoch() * 31 + persist.currentEpoch());
        } else if (effect instanceof Effect.TruncateLog truncate) {
            log.truncateAfter(truncate.afterZxid());
            host.traced(this, "truncate", truncate, truncate.afterZxid());
        } else if (effect instanceof Effect.InstallSnapshot install) {
            Snapshot snapshot = install.snapshot();
            if (install.durable()) {
                writeSnapshot(snapshot);
            }
            log.reset(snapshot.zxid());
            state.restore(snapshot.state());
            lastSnapshotZxid = snapshot.zxid();
            deliveredSinceSnapshot = 0;
            host.traced(this, "install-snapshot", snapshot + (install.durable() ? "" : " (in memory only)"), snapshot.zxid());
            host.stateReset(this, snapshot.zxid());
        } else if (effect instanceof Effect.RoleChanged change) {
            host.roleChanged(this, change);
        }
    }

    /** Every {@code snapshotEveryTxns} deliveries: a durable snapshot, then the log prefix it covers goes. */
    private void maybeSnapshot() {
        if (!up() || deliveredSinceSnapshot < snapshotEveryTxns || state.appliedZxid() <= lastSnapshotZxid) {
            return;
        }
        Snapshot snapshot = new Snapshot(state.appliedZxid(), state.serialize());
        writeSnapshot(snapshot);
        core.snapshotTaken(snapshot);
        log.compactUpTo(snapshot.zxid());
        snapshots.deleteOlderThan(snapshot.zxid());
        lastSnapshotZxid = snapshot.zxid();
        deliveredSinceSnapshot = 0;
        host.traced(this, "snapshot", snapshot, snapshot.zxid());
    }

    private void writeSnapshot(Snapshot snapshot) {
        snapshots.writeWhole(snapshot.zxid(), snapshot.state());
    }
}
