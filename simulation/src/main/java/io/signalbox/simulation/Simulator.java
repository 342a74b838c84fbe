package io.signalbox.simulation;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.InvariantViolation;
import io.signalbox.consensus.ProposeResult;
import io.signalbox.consensus.Role;
import io.signalbox.consensus.Txn;
import io.signalbox.consensus.ZabConfig;
import io.signalbox.consensus.message.ZabMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Runs the real consensus core of N nodes on a simulated network, disk and clock, all
 * driven by one seeded generator: same seed, same run, same trace digest. A safety
 * phase with faults is followed by a liveness phase with every fault healed.
 */
public final class Simulator implements SimNode.Host {
    private enum Kind { TICK, MESSAGE, DISK_SYNC, CLIENT, PARTITION, HEAL_PARTITION, CRASH, RESTART }

    private record Event(long time, long sequence, Kind kind, int node, int from, int incarnation, ZabMessage message) {}

    /** The message type in the trace digest: a simple name's hash is the same in every JVM, unlike identity hashes. */
    private static final ClassValue<Long> CLASS_FINGERPRINTS = new ClassValue<>() {
        @Override
        protected Long computeValue(Class<?> type) {
            return (long) type.getSimpleName().hashCode();
        }
    };

    private final SimulationOptions options;
    private final UnaryOperator<ZabMessage> wire;
    private final SplittableRandom random;
    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.time != b.time
            ? Long.compare(a.time, b.time) : Long.compare(a.sequence, b.sequence));
    private final SimNode[] nodes;
    private final long[] tickPeriodUnits;
    private final SimNetwork network;
    private final SafetyChecker checker;
    private final Workload workload;
    private final Trace trace = new Trace();
    /** A client write awaiting its answer: which leader incarnation took it, and when. */
    private record PendingWrite(int leader, int incarnation, long proposedAt) {}

    private final LongMap<PendingWrite> pendingClientWrites = new LongMap<>();
    private long sequence;
    private long now;
    private boolean healed;
    private long healTime;
    private boolean committedAfterHeal;
    /** The first write committed after healing; every node must deliver it for the run to pass. */
    private long firstZxidCommittedAfterHeal = -1;

    public Simulator(SimulationOptions options) {
        this(options, UnaryOperator.identity());
    }

    /**
     * A simulator whose every message passes through {@code wire} on its way, for example
     * a codec's encode and decode, so the codec meets everything a real run sends.
     */
    public Simulator(SimulationOptions options, UnaryOperator<ZabMessage> wire) {
        this.options = options;
        this.wire = wire;
        this.random = new SplittableRandom(options.seed());
        this.network = new SimNetwork(options.nodes(), options);
        this.checker = new SafetyChecker(options.nodes());
        this.workload = new Workload(random);
        this.nodes = new SimNode[options.nodes() + 1];
        this.tickPeriodUnits = new long[options.nodes() + 1];
        List<Integer> voters = new ArrayList<>();
        for (int id = 1; id <= options.nodes(); id++) {
            voters.add(id);
        }
        for (int id = 1; id <= options.nodes(); id++) {
            ZabConfig config = ZabConfig.defaults(id, voters).withZxidCounterMax(options.zxidCounterMax());
            nodes[id] = new SimNode(id, config, options.snapshotEveryTxns(), this);
            int drift = options.tickDriftPercentMax() == 0 ? 0
                    : random.nextInt(2 * options.tickDriftPercentMax() + 1) - options.tickDriftPercentMax();
            tickPeriodUnits[id] = SimulationOptions.TICK_UNITS * (100 + drift) / 100;
        }
    }

    /** Runs to the end or to the first violation. */
    public SimulationResult run() {
        long started = System.nanoTime();
        try {
            for (int id = 1; id <= options.nodes(); id++) {
                nodes[id].start(options, random.nextLong());
                schedule(random.nextLong(tickPeriodUnits[id]), Kind.TICK, id, 0, nodes[id].incarnation, null);
            }
            scheduleClient();
            scheduleFault(Kind.PARTITION, options.partitionsPerThousandTicks());
            scheduleFault(Kind.CRASH, options.crashesPerThousandTicks());
            long safetyEnd = options.safetyTicks() * SimulationOptions.TICK_UNITS;
            long livenessEnd = safetyEnd + options.livenessTicksMax() * SimulationOptions.TICK_UNITS;
            while (!queue.isEmpty()) {
                Event event = queue.poll();
                now = event.time;
                if (!healed && now >= safetyEnd) {
                    healEverything();
                }
                if (committedAfterHeal && allNodesDelivered(firstZxidCommittedAfterHeal)) {
                    break;
                }
                if (now >= livenessEnd) {
                    throw new Violation("liveness", (committedAfterHeal
                            ? "not every node delivered " + Zxid.format(firstZxidCommittedAfterHeal)
                            : "no leader committed a new proposal") + " within "
                            + options.livenessTicksMax() + " ticks after all faults healed; " + clusterState());
                }
                handle(event);
            }
            return SimulationResult.passed(options, now / SimulationOptions.TICK_UNITS, checker.commits(), checker.acknowledgedCount(),
                    trace.digest(), elapsedMs(started));
        } catch (Violation violation) {
            return SimulationResult.failed(options, now / SimulationOptions.TICK_UNITS, checker.commits(), trace.digest(), elapsedMs(started),
                    violation.invariant(), violation.getMessage(), trace.recentEvents());
        } catch (InvariantViolation violation) {
            return SimulationResult.failed(options, now / SimulationOptions.TICK_UNITS, checker.commits(), trace.digest(), elapsedMs(started),
                    "core-invariant", violation.getMessage(), trace.recentEvents());
        }
    }

    private void handle(Event event) {
        SimNode node = event.node == 0 ? null : nodes[event.node];
        switch (event.kind) {
            case TICK -> {
                if (node.up() && node.incarnation == event.incarnation) {
                    node.core.tick();
                    node.applyEffects();
                    schedule(now + tickPeriodUnits[node.id], Kind.TICK, node.id, 0, node.incarnation, null);
                }
            }
            case MESSAGE -> {
                if (node.up() && !network.isBlocked(event.from, event.node)) {
                    trace.record(now, node.id, "recv", event.message, fingerprint(event.message) * 31 + event.from);
                    node.core.receive(event.from, event.message);
                    node.applyEffects();
                }
            }
            case DISK_SYNC -> {
                if (node.up() && node.incarnation == event.incarnation && node.syncInFlight) {
                    node.diskSyncDone();
                }
            }
            case CLIENT -> {
                proposeFromClient();
                scheduleClient();
            }
            case PARTITION -> {
                startPartition();
                scheduleFault(Kind.PARTITION, options.partitionsPerThousandTicks());
            }
            case HEAL_PARTITION -> {
                network.healPartitions();
                trace.record(now, 0, "heal-partition", null, 1);
            }
            case CRASH -> {
                crashSomeNode();
                scheduleFault(Kind.CRASH, options.crashesPerThousandTicks());
            }
            case RESTART -> {
                if (!node.up()) {
                    restart(node);
                }
            }
        }
    }

    private void proposeFromClient() {
        List<SimNode> leaders = new ArrayList<>();
        for (int id = 1; id <= options.nodes(); id++) {
            if (nodes[id].up() && nodes[id].core.role() == Role.LEADING && nodes[id].core.established()) {
                leaders.add(nodes[id]);
            }
        }
        if (leaders.isEmpty()) {
            return;
        }
        SimNode leader = leaders.get(random.nextInt(leaders.size()));
        byte[] command = workload.nextPayload(leader.state.machine());
        if (command == null) {
            return;
        }
        ProposeResult result = leader.core.propose(command);
        if (result instanceof ProposeResult.Accepted accepted) {
            checker.onProposed(leader.id, accepted.zxid(), command, leader.core.lastDeliveredZxid());
            pendingClientWrites.putIfAbsent(accepted.zxid(), new PendingWrite(leader.id, leader.incarnation, now));
            trace.record(now, leader.id, "propose", Zxid.format(accepted.zxid()), accepted.zxid());
        }
        leader.applyEffects();
    }

    private void startPartition() {
        String description = network.partitionAtRandom(random, currentLeader());
        trace.record(now, 0, "partition", description, description.hashCode());
        long duration = (20 + random.nextInt(400)) * SimulationOptions.TICK_UNITS;
        schedule(now + duration, Kind.HEAL_PARTITION, 0, 0, 0, null);
    }

    private void crashSomeNode() {
        int leader = currentLeader();
        int victim = leader != 0 && random.nextBoolean() ? leader : 1 + random.nextInt(options.nodes());
        SimNode node = nodes[victim];
        if (!node.up()) {
            return;
        }
        node.crash(random);
        scheduleRestart(node);
    }

    private void scheduleRestart(SimNode node) {
        long downtime = (1 + random.nextInt(300)) * SimulationOptions.TICK_UNITS;
        schedule(now + downtime, Kind.RESTART, node.id, 0, 0, null);
    }

    private void restart(SimNode node) {
        node.start(options, random.nextLong());
        schedule(now + random.nextLong(tickPeriodUnits[node.id]), Kind.TICK, node.id, 0, node.incarnation, null);
    }

    private void healEverything() {
        healed = true;
        healTime = now;
        network.healAll();
        for (int id = 1; id <= options.nodes(); id++) {
            if (!nodes[id].up()) {
                restart(nodes[id]);
            }
        }
        trace.record(now, 0, "heal-all", "liveness phase begins", 2);
    }

    private boolean allNodesDelivered(long zxid) {
        for (int id = 1; id <= options.nodes(); id++) {
            if (!nodes[id].up() || nodes[id].core.lastDeliveredZxid() < zxid) {
                return false;
            }
        }
        return true;
    }

    private int currentLeader() {
        for (int id = 1; id <= options.nodes(); id++) {
            if (nodes[id].up() && nodes[id].core.role() == Role.LEADING) {
                return id;
            }
        }
        return 0;
    }

    private void scheduleClient() {
        double mean = SimulationOptions.TICK_UNITS / options.proposalsPerTick();
        schedule(now + 1 + (long) (-Math.log(1 - random.nextDouble()) * mean), Kind.CLIENT, 0, 0, 0, null);
    }

    private void scheduleFault(Kind kind, int perThousandTicks) {
        if (healed || perThousandTicks == 0) {
            return;
        }
        double mean = 1000.0 * SimulationOptions.TICK_UNITS / perThousandTicks;
        long at = now + 1 + (long) (-Math.log(1 - random.nextDouble()) * mean);
        if (at < options.safetyTicks() * SimulationOptions.TICK_UNITS) {
            schedule(at, kind, 0, 0, 0, null);
        }
    }

    private void schedule(long time, Kind kind, int node, int from, int incarnation, ZabMessage message) {
        queue.add(new Event(time, sequence++, kind, node, from, incarnation, message));
    }

    // ---- SimNode.Host ----

    @Override
    public void send(int from, int to, ZabMessage message) {
        int copies = network.copies(random);
        for (int i = 0; i < copies; i++) {
            schedule(now + network.delay(random), Kind.MESSAGE, to, from, 0, wire.apply(message));
        }
    }

    @Override
    public void startDiskSync(SimNode node) {
        long latency = 20 + random.nextInt(400);
        if (!healed && random.nextDouble() < options.slowDiskProbability()) {
            latency += random.nextLong(30 * SimulationOptions.TICK_UNITS);
        }
        schedule(now + latency, Kind.DISK_SYNC, node.id, 0, node.incarnation, null);
    }

    @Override
    public void delivered(SimNode node, Txn txn) {
        checker.onDelivered(node.id, txn, node.state.digest());
        PendingWrite pending = pendingClientWrites.get(txn.zxid());
        if (pending != null && pending.leader() == node.id && pending.incarnation() == node.incarnation) {
            pendingClientWrites.remove(txn.zxid());
            checker.onAcknowledged(txn.zxid());
            if (healed && pending.proposedAt() >= healTime && !committedAfterHeal) {
                committedAfterHeal = true;
                firstZxidCommittedAfterHeal = txn.zxid();
            }
        }
    }

    @Override
    public void stateReset(SimNode node, long snapshotZxid) {
        checker.onStateReset(node.id, snapshotZxid, node.state.digest());
    }

    @Override
    public void roleChanged(SimNode node, Effect.RoleChanged change) {
        trace.record(now, node.id, "role", change, change.role().ordinal() * 7L + change.epoch());
        if (change.role() == Role.LEADING && change.established()) {
            checker.onEstablished(node.id, change.epoch(), node.core.view(), node.core::historyCovers);
        }
    }

    @Override
    public boolean crashPointHits(SimNode node) {
        return !healed && options.crashPointProbability() > 0 && random.nextDouble() < options.crashPointProbability();
    }

    @Override
    public void crashedAtCrashPoint(SimNode node) {
        trace.record(now, node.id, "crash-point", "killed between two effects", 3);
        node.crash(random);
        scheduleRestart(node);
    }

    @Override
    public void traced(SimNode node, String kind, Object detail, long fingerprint) {
        trace.record(now, node.id, kind, detail, fingerprint);
    }

    private String clusterState() {
        StringBuilder out = new StringBuilder();
        for (int id = 1; id <= options.nodes(); id++) {
            out.append(nodes[id].up() ? nodes[id].core.view().toString() : "node " + id + " down").append("; ");
        }
        return out.toString();
    }

    private static long fingerprint(ZabMessage message) {
        return CLASS_FINGERPRINTS.get(message.getClass());
    }

    private static long elapsedMs(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
