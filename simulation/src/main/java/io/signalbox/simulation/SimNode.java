package io.signalbox.simulation;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.RecoveredState;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import io.signalbox.consensus.ZabConfig;
import io.signalbox.consensus.ZabCore;
import io.signalbox.node.Node;
import io.signalbox.node.NodeEffect;
import io.signalbox.node.NodeOptions;
import io.signalbox.node.PeerMessage;
import io.signalbox.protocol.Response;
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
 * One simulated node: the production {@link Node} (core, state machine, request layer) hosted
 * with durable storage that survives crashes (the in-memory stores with crash semantics) and
 * a simulated network and disk. It carries out the node's effects in order, as the server's
 * loop does with RocksDB and Netty; a crash point may kill it between two durable writes.
 */
final class SimNode {
    /** What the node reports to its simulator. */
    interface Host {
        void send(int from, int to, PeerMessage message);

        void startDiskSync(SimNode node);

        void proposed(SimNode node, Txn txn, long deliveredZxid);

        void delivered(SimNode node, Txn txn, long digestAfter);

        void stateReset(SimNode node, long snapshotZxid, long digest);

        void roleChanged(SimNode node, Effect.RoleChanged change);

        /** An answer (or stream frame) to the simulated client on {@code connectionId}. */
        void reply(SimNode node, long connectionId, Response response, boolean streamFrame);

        void traced(SimNode node, String kind, Object detail, long fingerprint);

        /** Should the process die right now, between two effects (a crash point)? */
        boolean crashPointHits(SimNode node);

        /** The node died at a crash point; the host schedules its restart. */
        void crashedAtCrashPoint(SimNode node);
    }

    final int id;
    private final ZabConfig config;
    private final NodeOptions nodeOptions;
    private final Host host;
    final InMemoryTxnLog log = new InMemoryTxnLog();
    final InMemoryEpochStore epochs = new InMemoryEpochStore();
    final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
    Node node;
    int incarnation;
    boolean syncInFlight;
    long syncTargetZxid;

    SimNode(int id, ZabConfig config, NodeOptions nodeOptions, Host host) {
        this.id = id;
        this.config = config;
        this.nodeOptions = nodeOptions;
        this.host = host;
    }

    boolean up() {
        return node != null;
    }

    /** Start-up: read back epochs, the newest valid snapshot and the log after it. */
    void start(SimulationOptions options, long coreSeed) {
        incarnation++;
        Epochs stored = epochs.load();
        StoredSnapshot storedSnapshot = snapshots.latest().orElse(null);
        Snapshot snapshot = storedSnapshot == null ? Snapshot.GENESIS : new Snapshot(storedSnapshot.zxid(), storedSnapshot.state());
        List<Txn> entries = new ArrayList<>();
        for (LogEntry entry : log.read(snapshot.zxid(), Integer.MAX_VALUE)) {
            entries.add(new Txn(entry.zxid(), entry.payload()));
        }
        RecoveredState recovered = new RecoveredState(stored.acceptedEpoch(), stored.currentEpoch(), snapshot, entries);
        SplittableRandom random = new SplittableRandom(coreSeed);
        ZabCore core = options.bugs().isEmpty()
                ? ZabCore.create(config, recovered, random::nextLong)
                : ZabCore.withBugsForSimulation(config, recovered, random::nextLong, options.bugs());
        node = new Node(nodeOptions, core, snapshot);
        syncInFlight = false;
        host.traced(this, "start", "epochs=" + stored.acceptedEpoch() + "/" + stored.currentEpoch() + " snapshot="
                + Zxid.format(snapshot.zxid()) + " log=" + Zxid.format(log.lastZxid()), log.lastZxid());
        host.stateReset(this, snapshot.zxid(), node.machine().digest());
        applyEffects();
    }

    /** kill -9: unsynced writes may be lost or torn; in-flight snapshot writes vanish. */
    void crash(SplittableRandom random) {
        node = null;
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
        node.persisted(durable);
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

    /** Carries out the node's effects strictly in order; see {@link NodeEffect} for the contract. */
    void applyEffects() {
        while (up()) {
            List<NodeEffect> effects = node.takeEffects();
            if (effects.isEmpty()) {
                break;
            }
            for (NodeEffect effect : effects) {
                apply(effect);
                boolean durableWrite = effect instanceof NodeEffect.Durable || effect instanceof NodeEffect.TakeSnapshot;
                if (durableWrite && host.crashPointHits(this)) {
                    host.crashedAtCrashPoint(this);
                    return;
                }
            }
        }
    }

    private void apply(NodeEffect effect) {
        if (effect instanceof NodeEffect.Send send) {
            host.send(id, send.to(), send.message());
        } else if (effect instanceof NodeEffect.Durable durable) {
            write(durable.write());
        } else if (effect instanceof NodeEffect.TakeSnapshot take) {
            Snapshot snapshot = take.snapshot();
            snapshots.writeWhole(snapshot.zxid(), snapshot.state());
            log.compactUpTo(snapshot.zxid());
            snapshots.deleteOlderThan(snapshot.zxid());
            host.traced(this, "snapshot", snapshot, snapshot.zxid());
        } else if (effect instanceof NodeEffect.Reply reply) {
            host.reply(this, reply.connectionId(), reply.response(), false);
        } else if (effect instanceof NodeEffect.StreamFrame frame) {
            host.reply(this, frame.connectionId(), frame.response(), true);
        } else if (effect instanceof NodeEffect.Proposed proposed) {
            host.proposed(this, proposed.txn(), proposed.deliveredZxid());
        } else if (effect instanceof NodeEffect.Applied applied) {
            host.delivered(this, applied.txn(), applied.digestAfter());
        } else if (effect instanceof NodeEffect.Restored restored) {
            host.stateReset(this, restored.snapshotZxid(), restored.digest());
        } else if (effect instanceof NodeEffect.RoleChanged change) {
            host.roleChanged(this, change.change());
        }
    }

    private void write(Effect write) {
        if (write instanceof Effect.AppendTxns append) {
            List<LogEntry> entries = new ArrayList<>(append.txns().size());
            for (Txn txn : append.txns()) {
                entries.add(new LogEntry(txn.zxid(), Zxid.epoch(txn.zxid()), txn.payload()));
            }
            log.append(entries);
            if (!syncInFlight) {
                beginSync();
            }
        } else if (write instanceof Effect.PersistEpochs persist) {
            epochs.store(new Epochs(persist.acceptedEpoch(), persist.currentEpoch()));
            host.traced(this, "persist-epochs", persist, persist.acceptedEpoch() * 31 + persist.currentEpoch());
        } else if (write instanceof Effect.TruncateLog truncate) {
            log.truncateAfter(truncate.afterZxid());
            host.traced(this, "truncate", truncate, truncate.afterZxid());
        } else if (write instanceof Effect.InstallSnapshot install) {
            Snapshot snapshot = install.snapshot();
            if (install.durable()) {
                snapshots.writeWhole(snapshot.zxid(), snapshot.state());
            }
            log.reset(snapshot.zxid());
            host.traced(this, "install-snapshot", snapshot + (install.durable() ? "" : " (in memory only)"), snapshot.zxid());
        }
    }
}
