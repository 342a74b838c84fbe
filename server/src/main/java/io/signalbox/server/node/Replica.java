package io.signalbox.server.node;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.signalbox.common.Zxid;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.ProposeResult;
import io.signalbox.consensus.RecoveredState;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import io.signalbox.consensus.ZabConfig;
import io.signalbox.consensus.ZabCore;
import io.signalbox.consensus.message.ZabMessage;
import io.signalbox.proto.node.NodeSnapshot;
import io.signalbox.proto.state.EventBatch;
import io.signalbox.server.NodeConfig;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.Limits;
import io.signalbox.state.StateEvent;
import io.signalbox.state.codec.StateCodec;
import io.signalbox.storage.Epochs;
import io.signalbox.storage.GroupCommitLog;
import io.signalbox.storage.LogEntry;
import io.signalbox.storage.NodeStorage;
import io.signalbox.storage.StorageException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ZAB core wired to RocksDB storage and the state machine, on the node loop's thread
 * only. It carries out the core's effects strictly in order (see {@link Effect}): epochs,
 * truncations and snapshots synchronously; appends through group commit, whose completion
 * comes back as {@link #persisted(long)}; sends to the peer transport; deliveries to the
 * state machine and then to the {@link Listener}.
 */
final class Replica implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Replica.class);
    static final int LOG_QUEUED_ENTRIES_MAX = 50_000;
    static final int LOG_BATCH_ENTRIES_MAX = 5_000;

    /** What the node's request handling learns from the replica. */
    interface Listener {
        void delivered(long zxid, List<StateEvent> events, String clientId, long clientSequence);

        void roleChanged(Effect.RoleChanged change);

        void readReady(long readId, long readZxid);

        /** The state machine was replaced by a snapshot from the leader. */
        void stateReplaced();
    }

    interface PeerSender {
        void send(int to, ZabMessage message);
    }

    interface DurableCallback {
        void persisted(long zxid);
    }

    private final NodeConfig config;
    private final NodeStorage storage;
    private final PeerSender peers;
    private final Listener listener;
    private final DurableCallback durableCallback;
    private final NodeMetrics metrics;
    private final ZabCore core;
    private volatile GroupCommitLog log;
    /** Rounds and entries of group-commit logs replaced after a truncation or compaction. */
    private volatile long closedRounds;
    private volatile long closedEntries;
    private CompletableFuture<Long> lastAppend = CompletableFuture.completedFuture(0L);
    private LbStateMachine machine;
    private ClientTable clients;
    private long lastSnapshotZxid;
    private int deliveredSinceSnapshot;
    private Effect.RoleChanged role;

    Replica(NodeConfig config, NodeStorage storage, PeerSender peers, Listener listener, DurableCallback durableCallback,
            NodeMetrics metrics) {
        this.config = config;
        this.storage = storage;
        this.peers = peers;
        this.listener = listener;
        this.durableCallback = durableCallback;
        this.metrics = metrics;
        NodeStorage.Recovered recovered = storage.recover();
        Snapshot snapshot = recovered.snapshot().map(s -> new Snapshot(s.zxid(), s.state())).orElse(Snapshot.GENESIS);
        restoreState(snapshot);
        lastSnapshotZxid = snapshot.zxid();
        List<Txn> txns = new ArrayList<>(recovered.entries().size());
        for (LogEntry entry : recovered.entries()) {
            txns.add(new Txn(entry.zxid(), entry.payload()));
        }
        Epochs epochs = recovered.epochs();
        LOG.info("node {} recovered: acceptedEpoch={} currentEpoch={} snapshot={} log entries={} last={}{}", config.id(),
                epochs.acceptedEpoch(), epochs.currentEpoch(), Zxid.format(snapshot.zxid()), txns.size(),
                Zxid.format(recovered.lastZxid()),
                recovered.tornZxid() >= 0 ? " (dropped torn tail entry " + Zxid.format(recovered.tornZxid()) + ")" : "");
        ZabConfig zab = ZabConfig.defaults(config.id(), config.voterIds()).withProposalsInflightMax(config.proposalsInflightMax());
        SecureRandom seed = new SecureRandom();
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed.nextLong());
        this.core = ZabCore.create(zab, new RecoveredState(epochs.acceptedEpoch(), epochs.currentEpoch(), snapshot, txns),
                random::nextLong);
        this.log = newLog();
        this.core.persisted(recovered.lastZxid());
        metrics.groupCommit(() -> closedRounds + log.stats().batches(), () -> closedEntries + log.stats().entries());
    }

    private GroupCommitLog newLog() {
        return new GroupCommitLog(storage.txnLog(), LOG_QUEUED_ENTRIES_MAX, LOG_BATCH_ENTRIES_MAX);
    }

    ZabCore core() {
        return core;
    }

    LbStateMachine machine() {
        return machine;
    }

    ClientTable clients() {
        return clients;
    }

    Effect.RoleChanged role() {
        return role;
    }

    void tick() {
        core.tick();
        drain();
    }

    void receive(int from, ZabMessage message) {
        core.receive(from, message);
        drain();
    }

    ProposeResult propose(byte[] payload) {
        ProposeResult result = core.propose(payload);
        drain();
        return result;
    }

    void linkLost(int peerId) {
        core.linkLost(peerId);
        drain();
    }

    boolean readIndex(long readId) {
        boolean accepted = core.readIndex(readId);
        drain();
        return accepted;
    }

    void persisted(long zxid) {
        core.persisted(zxid);
        drain();
    }

    /** Carries out every effect the core has produced, in order; then maybe takes a snapshot. */
    void drain() {
        List<Effect> effects;
        while (!(effects = core.takeEffects()).isEmpty()) {
            for (Effect effect : effects) {
                apply(effect);
            }
        }
        maybeSnapshot();
    }

    private void apply(Effect effect) {
        if (effect instanceof Effect.Send send) {
            peers.send(send.to(), send.message());
        } else if (effect instanceof Effect.AppendTxns append) {
            append(append.txns());
        } else if (effect instanceof Effect.Deliver deliver) {
            deliver(deliver.txn());
        } else if (effect instanceof Effect.ReadReady ready) {
            listener.readReady(ready.readId(), ready.readZxid());
        } else if (effect instanceof Effect.PersistEpochs persist) {
            storage.epochStore().store(new Epochs(persist.acceptedEpoch(), persist.currentEpoch()));
        } else if (effect instanceof Effect.TruncateLog truncate) {
            quiesceLog();
            storage.txnLog().truncateAfter(truncate.afterZxid());
            replaceLog();
            LOG.info("node {} truncated its log after {}", config.id(), Zxid.format(truncate.afterZxid()));
        } else if (effect instanceof Effect.InstallSnapshot install) {
            installSnapshot(install.snapshot());
        } else if (effect instanceof Effect.RoleChanged change) {
            role = change;
            metrics.roleChanged(change);
            LOG.info("node {} is {}", config.id(), change);
            listener.roleChanged(change);
        }
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
            durableCallback.persisted(zxid);
        });
    }

    private void deliver(Txn txn) {
        EventBatch batch;
        try {
            batch = EventBatch.parseFrom(txn.payload());
        } catch (InvalidProtocolBufferException e) {
            throw new StorageException("committed entry " + Zxid.format(txn.zxid()) + " does not decode: " + e.getMessage(), e);
        }
        List<StateEvent> events = StateCodec.decodeEvents(batch);
        machine.apply(txn.zxid(), events);
        long sessionId = 0;
        for (StateEvent event : events) {
            if (event instanceof StateEvent.SessionOpened opened) {
                sessionId = opened.id();
            }
        }
        clients.record(batch.getClientId(), batch.getClientSequence(), txn.zxid(), sessionId);
        deliveredSinceSnapshot++;
        metrics.committed(txn.zxid());
        listener.delivered(txn.zxid(), events, batch.getClientId(), batch.getClientSequence());
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

    private void installSnapshot(Snapshot snapshot) {
        quiesceLog();
        writeSnapshot(snapshot);
        storage.txnLog().reset(snapshot.zxid());
        storage.snapshotStore().deleteOlderThan(snapshot.zxid());
        replaceLog();
        restoreState(snapshot);
        lastSnapshotZxid = snapshot.zxid();
        deliveredSinceSnapshot = 0;
        LOG.info("node {} installed a snapshot at {} from its leader ({} bytes, {} servers)", config.id(),
                Zxid.format(snapshot.zxid()), snapshot.state().length, machine.serverCount());
        listener.stateReplaced();
    }

    private void restoreState(Snapshot snapshot) {
        if (snapshot.state().length == 0) {
            machine = new LbStateMachine(Limits.DEFAULTS, config.historyEntriesMax());
            clients = new ClientTable();
            return;
        }
        NodeSnapshot node;
        try {
            node = NodeSnapshot.parseFrom(snapshot.state());
        } catch (InvalidProtocolBufferException e) {
            throw new StorageException("snapshot at " + Zxid.format(snapshot.zxid()) + " does not decode: " + e.getMessage(), e);
        }
        machine = LbStateMachine.restore(node.getState().toByteArray(), Limits.DEFAULTS, config.historyEntriesMax());
        clients = ClientTable.fromRecords(node.getClientsList());
    }

    /** Every snapshotEveryEntries deliveries, once the log holds them durably: snapshot, then compact. */
    private void maybeSnapshot() {
        long applied = machine.appliedZxid();
        if (deliveredSinceSnapshot < config.snapshotEveryEntries() || applied <= lastSnapshotZxid
                || core.view().lastPersistedZxid() < applied) {
            return;
        }
        long started = System.nanoTime();
        byte[] state = NodeSnapshot.newBuilder().setState(ByteString.copyFrom(machine.snapshot()))
                .addAllClients(clients.toRecords()).build().toByteArray();
        Snapshot snapshot = new Snapshot(applied, state);
        writeSnapshot(snapshot);
        core.snapshotTaken(snapshot);
        quiesceLog();
        storage.compactTo(applied);
        replaceLog();
        lastSnapshotZxid = applied;
        deliveredSinceSnapshot = 0;
        LOG.info("node {} took a snapshot at {}: {} bytes in {} ms", config.id(), Zxid.format(applied), state.length,
                (System.nanoTime() - started) / 1_000_000);
    }

    private void writeSnapshot(Snapshot snapshot) {
        storage.snapshotStore().writeWhole(snapshot.zxid(), snapshot.state());
    }

    @Override
    public void close() {
        quiesceLog();
    }
}
