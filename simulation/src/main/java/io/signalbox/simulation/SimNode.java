package io.signalbox.simulation;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.RecoveredState;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import io.signalbox.consensus.ZabConfig;
import io.signalbox.consensus.ZabCore;
import io.signalbox.node.LocalReadCache;
import io.signalbox.node.Node;
import io.signalbox.node.NodeEffect;
import io.signalbox.node.NodeOptions;
import io.signalbox.node.PeerMessage;
import io.signalbox.protocol.ReadResult;
import io.signalbox.protocol.Request;
import io.signalbox.protocol.Response;
import io.signalbox.state.Configuration;
import io.signalbox.storage.Epochs;
import io.signalbox.storage.LogEntry;
import io.signalbox.storage.StoredSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated node: the production {@link Node} (core, state machine, request layer) hosted
 * with a {@link SimDisk} and a simulated network, as the server hosts it with RocksDB and
 * Netty. Writes reach the disk in batches whose latency the simulator draws, and their reports
 * come back later still, maybe out of order; a crash loses whatever had not reached the disk.
 */
final class SimNode implements SimDisk.Observer {
    /** What the node reports to its simulator. */
    interface Host {
        void send(int from, int to, PeerMessage message);

        /** A batch of writes left for the disk: schedule {@link #diskBatchDone()}. */
        void diskBatchStarted(SimNode node);

        /** A batch reached the disk: schedule {@link #diskReported} with this report. */
        void diskBatchReported(SimNode node, SimDisk.Report report);

        void proposed(SimNode node, Txn txn, long deliveredZxid);

        void delivered(SimNode node, Txn txn, long digestAfter);

        void stateReset(SimNode node, long snapshotZxid, long digest);

        void roleChanged(SimNode node, Effect.RoleChanged change);

        /** An answer (or stream frame) to the simulated client on {@code connectionId}. */
        void reply(SimNode node, long connectionId, Response response, boolean streamFrame);

        void traced(SimNode node, String kind, Object detail, long fingerprint);

        /** Should the process die right now, after a write reached the disk (a crash point)? */
        boolean crashPointHits(SimNode node);

        /** The node died at a crash point; the host schedules its restart. */
        void crashedAtCrashPoint(SimNode node);
    }

    final int id;
    private ZabConfig config;
    /** Removed from the configuration and stopped for good: never restarted, out of every end-of-run check. */
    boolean retired;
    private final NodeOptions nodeOptions;
    private final Host host;
    final SimDisk disk;
    Node node;
    int incarnation;
    /** The server's cache for LOCAL reads off the node's thread, hosted here so that every answer it would give is checked. */
    private LocalReadCache localReads;
    /** A LOCAL read the cache could answer, and that answer: the node must give the same, at once. */
    private Request cachedRead;
    private long cachedConnection;
    private Configuration cachedAnswer;
    /** Under {@link SimDisk.EpochWrites#REPORTED_AHEAD}: an epoch write done at once, reported once the current effects are out. */
    private SimDisk.Report aheadReport;

    SimNode(int id, ZabConfig config, NodeOptions nodeOptions, Host host, SimDisk.EpochWrites epochWrites) {
        this.id = id;
        this.config = config;
        this.nodeOptions = nodeOptions;
        this.host = host;
        this.disk = new SimDisk(epochWrites);
    }

    boolean up() {
        return node != null;
    }

    /** A node the run has started at least once (a spare id is not, until it is added). */
    boolean born() {
        return incarnation > 0;
    }

    /** A spare id about to join: its empty disk starts with the configuration that adds it. */
    void joinWith(ZabConfig joiningConfig) {
        if (!(!born() && joiningConfig.selfId() == id)) {
            throw new IllegalStateException("node " + id + " joins once, before its first start, with its own config");
        }
        this.config = joiningConfig;
    }

    /** Start-up: read back epochs, the newest valid snapshot and the log after it. */
    void start(SimulationOptions options, long coreSeed) {
        if (config == null) {
            throw new IllegalStateException("node " + id + " is a spare id: it starts once a change adds it (joinWith)");
        }
        incarnation++;
        Epochs stored = disk.epochs.load();
        StoredSnapshot storedSnapshot = disk.snapshots.latest().orElse(null);
        Snapshot snapshot = storedSnapshot == null ? Snapshot.GENESIS : new Snapshot(storedSnapshot.zxid(), storedSnapshot.state(),
                disk.snapshotMembership(storedSnapshot.zxid()));
        List<Txn> entries = new ArrayList<>();
        for (LogEntry entry : disk.log.read(snapshot.zxid(), Integer.MAX_VALUE)) {
            entries.add(new Txn(entry.zxid(), entry.payload()));
        }
        RecoveredState recovered = new RecoveredState(stored.acceptedEpoch(), stored.currentEpoch(), snapshot, entries);
        SplittableRandom random = new SplittableRandom(coreSeed);
        ZabCore core = options.bugs().isEmpty()
                ? ZabCore.create(config, recovered, random::nextLong)
                : ZabCore.withBugsForSimulation(config, recovered, random::nextLong, options.bugs());
        // Drawn apart from the core's generator, which must stay the same for a given seed.
        node = new Node(nodeOptions, core, snapshot, new SplittableRandom(~coreSeed).nextLong());
        localReads = new LocalReadCache();
        localReads.start(node.machine().appliedZxid(), node.machine().digest());
        host.traced(this, "start", "epochs=" + stored.acceptedEpoch() + "/" + stored.currentEpoch() + " snapshot="
                + Zxid.format(snapshot.zxid()) + " log=" + Zxid.format(disk.log.lastZxid()), disk.log.lastZxid());
        host.stateReset(this, snapshot.zxid(), node.machine().digest());
        applyEffects();
    }

    /** kill -9: the disk keeps what reached it, maybe part of the batch in flight; reports on their way are lost with the process. */
    void crash(SplittableRandom random) {
        node = null;
        aheadReport = null;
        disk.crash(random, this);
        host.traced(this, "crash", "log durable to " + Zxid.format(disk.log.lastZxid()), disk.log.lastZxid());
    }

    /** The batch in flight reached the disk; its report goes back to the node later. */
    void diskBatchDone() {
        SimDisk.Report report = disk.completeBatch(this);
        if (report == null) {
            host.crashedAtCrashPoint(this);
            return;
        }
        host.diskBatchReported(this, report);
        if (disk.startBatch()) {
            host.diskBatchStarted(this);
        }
    }

    /**
     * A client's request reaches the node. Where the server would answer a LOCAL read from its
     * cache without asking the node, the node must answer it at once, and with the same.
     */
    void request(long connectionId, Request request) {
        Configuration cached = localReads.answer(request.body());
        node.request(connectionId, request);
        if (cached != null) {
            cachedRead = request;
            cachedConnection = connectionId;
            cachedAnswer = cached;
        }
        applyEffects();
        if (up() && cachedRead != null) {
            throw new Violation("local-read-cache", "node " + id + " did not answer " + request + " at once, yet its cache would have: "
                    + cached);
        }
        cachedRead = null;
    }

    /** The storage's report of one batch reaches the node. */
    void diskReported(SimDisk.Report report) {
        if (report.writeId() > 0) {
            node.written(report.writeId());
        }
        for (long zxid : report.snapshotZxids()) {
            node.snapshotWritten(zxid);
        }
        applyEffects();
    }

    /** Carries out the node's effects in order; see {@link NodeEffect} for the contract. */
    void applyEffects() {
        boolean reportedAhead = false;
        while (up()) {
            List<NodeEffect> effects = node.takeEffects();
            if (effects.isEmpty() && aheadReport != null) {
                // The ZOOKEEPER-4646 race: the thread that wrote the epoch acks at once, then a crash
                // point may hit before the txn log queued earlier reaches the disk.
                node.written(aheadReport.writeId());
                aheadReport = null;
                reportedAhead = true;
                continue;
            }
            if (effects.isEmpty()) {
                break;
            }
            for (NodeEffect effect : effects) {
                apply(effect);
                boolean write = effect instanceof NodeEffect.Durable || effect instanceof NodeEffect.TakeSnapshot;
                if (write && host.crashPointHits(this)) {
                    // kill -9 between two effects: of the batch on its way a prefix lands, the rest is lost
                    host.crashedAtCrashPoint(this);
                    return;
                }
            }
        }
        if (reportedAhead && up() && host.crashPointHits(this)) {
            host.crashedAtCrashPoint(this);
        }
    }

    private void checkAgainstCache(NodeEffect.Reply reply) {
        if (cachedRead == null || reply.connectionId() != cachedConnection || reply.response().requestId() != cachedRead.requestId()) {
            return;
        }
        if (!(reply.response().reply() instanceof ReadResult result && result.configuration().equals(cachedAnswer))) {
            throw new Violation("local-read-cache", "node " + id + " answered " + cachedRead + " with " + reply.response().reply()
                    + ", but its cache would have answered " + cachedAnswer);
        }
        cachedRead = null;
    }

    private void apply(NodeEffect effect) {
        localReads.carryOut(effect);
        if (effect instanceof NodeEffect.Send send) {
            host.send(id, send.to(), send.message());
        } else if (effect instanceof NodeEffect.Durable || effect instanceof NodeEffect.TakeSnapshot) {
            SimDisk.Report ahead = disk.writeAhead(effect);
            if (ahead != null) {
                host.traced(this, "write-ahead", ahead, ahead.writeId());
                aheadReport = ahead;
            } else if (disk.submit(effect)) {
                host.diskBatchStarted(this);
            }
        } else if (effect instanceof NodeEffect.Reply reply) {
            checkAgainstCache(reply);
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

    // ---- SimDisk.Observer ----

    @Override
    public void performed(String kind, Object detail, long fingerprint) {
        host.traced(this, kind, detail, fingerprint);
    }

    @Override
    public boolean crashPointHits() {
        return host.crashPointHits(this);
    }
}
