package io.signalbox.simulation;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Bug;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.InvariantViolation;
import io.signalbox.consensus.Role;
import io.signalbox.consensus.Txn;
import io.signalbox.consensus.ZabConfig;
import io.signalbox.node.NodeOptions;
import io.signalbox.node.PeerMessage;
import io.signalbox.simulation.SimEvents.Kind;
import io.signalbox.state.LbStateMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Runs N production nodes ({@link io.signalbox.node.Node}: core, state machine, request layer)
 * and simulated clients on a simulated network, disk and clock, all driven by one seeded
 * generator: same seed, same run, same trace digest. A safety phase with faults
 * ({@link SimFaults}) is followed by a liveness phase with every fault healed; the checks run
 * after every event and at the end.
 */
public final class Simulator implements SimNode.Host {
    /** The simulated clients' connections are as fast as the cluster's own links, and never cut (they do not partition). */
    private static final long CLIENT_LINK_DELAY_UNITS_MAX = 400;
    /** How long a client waits before sending a refused-as-retryable command again. */
    private static final long CLIENT_BACKOFF_UNITS = 5 * SimulationOptions.TICK_UNITS;
    /** The simulated nodes' tick, for session timeouts and the request timeout (in ticks). */
    private static final int NODE_TICK_MS = 50;
    private static final int REQUEST_TIMEOUT_TICKS = 100;
    /** Small, so history folding runs often under simulation too. */
    static final int HISTORY_ENTRIES_MAX = 64;
    /** How long a disk's completion may take to reach the node's loop, at most: longer than a fast batch. */
    private static final int DISK_REPORT_DELAY_UNITS_MAX = 600;
    private static final long ATTEMPT_TIMEOUT_UNITS = SimClients.ATTEMPT_TIMEOUT_TICKS * SimulationOptions.TICK_UNITS;

    /** The message type in the trace digest: a simple name's hash is the same in every JVM, unlike identity hashes. */
    private static final ClassValue<Long> CLASS_FINGERPRINTS = new ClassValue<>() {
        @Override
        protected Long computeValue(Class<?> type) {
            return (long) type.getSimpleName().hashCode();
        }
    };

    private final SimulationOptions options;
    private final UnaryOperator<PeerMessage> wire;
    private final SplittableRandom random;
    private final SimEvents events = new SimEvents();
    private final SimFaults faults;
    private final SimMembership membership;
    /** The voters the run starts with, 1 to nodes. */
    private final List<Integer> firstVoters;
    private final SimNode[] nodes;
    private final long[] tickPeriodUnits;
    private final SimNetwork network;
    private final SafetyChecker checker;
    private final Workload workload;
    private final SimClients clients;
    private final SimSubscriber subscriber;
    private final AppliedOnceCheck appliedOnce = new AppliedOnceCheck();
    private final Trace trace = new Trace();
    /** Draws the run's opening when set; only listens, so the run is the same with it. */
    private SequenceRecorder sequence;
    /** Zxids some client was told are committed; a retried or changed-nothing answer may name one again. */
    private final LongMap<Boolean> acknowledgedZxids = new LongMap<>();
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
    public Simulator(SimulationOptions options, UnaryOperator<PeerMessage> wire) {
        this.options = options;
        this.wire = wire;
        this.random = new SplittableRandom(options.seed());
        int idMax = options.idMax();
        this.network = new SimNetwork(idMax, options);
        this.checker = new SafetyChecker(idMax);
        this.workload = new Workload(random);
        this.clients = new SimClients(random, idMax, options.bugs().contains(Bug.SHARED_CLIENT_ID));
        this.subscriber = new SimSubscriber(random, idMax, checker);
        this.nodes = new SimNode[idMax + 1];
        this.tickPeriodUnits = new long[idMax + 1];
        List<Integer> voters = new ArrayList<>();
        for (int id = 1; id <= options.nodes(); id++) {
            voters.add(id);
        }
        this.firstVoters = List.copyOf(voters);
        List<NodeOptions.Member> members = new ArrayList<>();
        for (int id = 1; id <= idMax; id++) {
            members.add(new NodeOptions.Member(id, "sim-" + id + ":1", "sim-" + id + ":2", "sim-" + id + ":3"));
        }
        for (int id = 1; id <= idMax; id++) {
            // A spare id gets its config from the change that adds it (SimMembership).
            ZabConfig config = id > options.nodes() ? null : ZabConfig.defaults(id, voters).withZxidCounterMax(options.zxidCounterMax());
            NodeOptions nodeOptions = new NodeOptions(id, members, NODE_TICK_MS, REQUEST_TIMEOUT_TICKS, options.snapshotEveryTxns(),
                    HISTORY_ENTRIES_MAX, options.bugs().contains(Bug.READ_WITHOUT_QUORUM), options.bugs().contains(Bug.REFUSAL_WITHOUT_QUORUM));
            nodes[id] = new SimNode(id, config, nodeOptions, this, epochWrites(options.bugs()));
            int drift = options.tickDriftPercentMax() == 0 ? 0
                    : random.nextInt(2 * options.tickDriftPercentMax() + 1) - options.tickDriftPercentMax();
            tickPeriodUnits[id] = SimulationOptions.TICK_UNITS * (100 + drift) / 100;
        }
        this.faults = new SimFaults(options, random, events, nodes, tickPeriodUnits, network, trace, this::streamLost);
        this.membership = new SimMembership(options, random, events, nodes, faults, trace);
        checker.withCommitWitnesses(new SafetyChecker.CommitWitnesses() {
            @Override
            public io.signalbox.consensus.Membership countedWith(int node) {
                return nodes[node].node.membership();
            }

            @Override
            public boolean holdsDurably(int node, long zxid) {
                return node < nodes.length && nodes[node].disk.holdsDurably(zxid);
            }
        });
    }

    /** Records this run's opening into {@code recorder} for a message sequence chart; call before {@link #run()}. */
    public Simulator recordSequence(SequenceRecorder recorder) {
        if (recorder.nodes() != options.nodes()) {
            throw new IllegalArgumentException("the recorder is for " + recorder.nodes() + " nodes, the run has " + options.nodes());
        }
        this.sequence = recorder;
        trace.listen(recorder::event);
        return this;
    }

    /** Hands every event of the run, one line each, to {@code lines}; call before {@link #run()}. */
    public Simulator writeEventsTo(java.util.function.Consumer<String> lines) {
        trace.writeLinesTo(lines);
        return this;
    }

    /**
     * The ZooKeeper bugs of the follower's sync lived between its epoch file and its txn log,
     * two writers: under their switches the simulated disk is laid out as ZooKeeper's is.
     */
    private static SimDisk.EpochWrites epochWrites(java.util.Set<Bug> bugs) {
        if (bugs.contains(Bug.ASYNC_LOG_AFTER_NEWLEADER)) {
            return SimDisk.EpochWrites.REPORTED_AHEAD;
        }
        boolean zookeeperLayout = bugs.contains(Bug.EPOCH_BEFORE_TXNS) || bugs.contains(Bug.ACK_NEWLEADER_BEFORE_PERSIST);
        return zookeeperLayout ? SimDisk.EpochWrites.DURABLE_AHEAD : SimDisk.EpochWrites.IN_ORDER;
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
            schedule(random.nextLong(50 * SimulationOptions.TICK_UNITS), Kind.SUBSCRIBE, 0, 0, 0, null);
            faults.scheduleFirst();
            membership.scheduleFirst();
            long safetyEnd = options.safetyTicks() * SimulationOptions.TICK_UNITS;
            long livenessEnd = safetyEnd + options.livenessTicksMax() * SimulationOptions.TICK_UNITS;
            while (!events.isEmpty()) {
                SimEvents.Event event = events.next();
                long now = events.now();
                if (!faults.healed() && now >= safetyEnd) {
                    faults.healEverything();
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
            checker.checkAcknowledgedAreCommitted();
            List<LbStateMachine> replicas = new ArrayList<>();
            for (int id : finalMembers()) {
                replicas.add(nodes[id].node.machine());
            }
            FinalChecks.ephemeralServersHaveSessions(replicas);
            int checked = FinalChecks.linearizable(clients.history());
            return SimulationResult.passed(options, events.now() / SimulationOptions.TICK_UNITS, checker.commits(), clients.acknowledged(),
                    checked, trace.digest(), elapsedMs(started));
        } catch (Violation violation) {
            return SimulationResult.failed(options, events.now() / SimulationOptions.TICK_UNITS, checker.commits(), trace.digest(), elapsedMs(started),
                    violation.invariant(), violation.getMessage(), trace.recentEvents());
        } catch (InvariantViolation violation) {
            return SimulationResult.failed(options, events.now() / SimulationOptions.TICK_UNITS, checker.commits(), trace.digest(), elapsedMs(started),
                    "core-invariant", violation.getMessage(), trace.recentEvents());
        }
    }

    private void handle(SimEvents.Event event) {
        if (faults.handle(event) || membership.handle(event)) {
            return;
        }
        SimNode node = event.node() == 0 ? null : nodes[event.node()];
        switch (event.kind()) {
            case TICK -> {
                if (node.up() && node.incarnation == event.incarnation()) {
                    if (!faults.paused(node)) {
                        node.node.tick();
                        node.applyEffects();
                    }
                    schedule(now() + tickPeriodUnits[node.id], Kind.TICK, node.id, 0, node.incarnation, null);
                }
            }
            case MESSAGE -> {
                if (node.up() && !faults.paused(node) && !network.isBlocked(event.from(), event.node())) {
                    PeerMessage message = (PeerMessage) event.payload();
                    trace.record(now(), node.id, event.from(), "recv", message, fingerprint(message) * 31 + event.from());
                    node.node.receive(event.from(), message);
                    node.applyEffects();
                }
            }
            case DISK_DONE, DISK_REPORT -> {
                if (faults.paused(node)) {
                    schedule(faults.pausedUntil(node), event.kind(), node.id, 0, event.incarnation(), event.payload());
                } else if (node.up() && node.incarnation == event.incarnation()) {
                    if (event.kind() == Kind.DISK_DONE) {
                        node.diskBatchDone();
                    } else {
                        trace.record(now(), node.id, "disk-report", event.payload(), ((SimDisk.Report) event.payload()).writeId());
                        node.diskReported((SimDisk.Report) event.payload());
                    }
                }
            }
            case CLIENT -> {
                sendNewCommand();
                scheduleClient();
            }
            case CLIENT_ANSWER -> clientAnswered(event.node(), (io.signalbox.protocol.Response) event.payload());
            case CLIENT_TIMEOUT -> {
                if (clients.stillWaiting(event.node(), (Long) event.payload())) {
                    carry(clients.retry(event.node()));
                }
            }
            case CLIENT_RETRY -> carry(clients.retry(event.node()));
            case SUBSCRIBE -> subscribe();
            case DELIVER_REQUEST -> deliver((SimClients.Send) event.payload());
            default -> throw new IllegalStateException("no handler for " + event);
        }
    }

    private long now() {
        return events.now();
    }

    /** An idle client sends a new command, drawn against some running node's state. */
    private void sendNewCommand() {
        List<SimNode> running = new ArrayList<>();
        for (int id = 1; id < nodes.length; id++) {
            if (nodes[id].up()) {
                running.add(nodes[id]);
            }
        }
        if (running.isEmpty()) {
            return;
        }
        SimNode view = running.get(random.nextInt(running.size()));
        carry(clients.next(workload.nextCommand(view.node.machine()), now()));
    }

    /** Delivers one attempt of a client's command to its node, and schedules the client's patience. */
    private void carry(SimClients.Send send) {
        if (send == null) {
            return;
        }
        trace.record(now(), send.node(), "client-request", send.request(), send.request().requestId() * 31 + send.client());
        schedule(now() + ATTEMPT_TIMEOUT_UNITS, Kind.CLIENT_TIMEOUT, send.client(), 0, 0, send.request().requestId());
        deliver(send);
    }

    /** A request reaches its node; a paused node finds it in its socket when it resumes. */
    private void deliver(SimClients.Send send) {
        SimNode target = nodes[send.node()];
        if (faults.paused(target)) {
            schedule(faults.pausedUntil(target), Kind.DELIVER_REQUEST, 0, 0, 0, send);
        } else if (target.up()) {
            target.request(send.connectionId(), send.request());
        }
    }

    private void subscribe() {
        SimClients.Send send = subscriber.subscribe();
        SimNode target = nodes[send.node()];
        trace.record(now(), send.node(), "subscribe", send.request(), send.request().requestId());
        if (target.up()) {
            deliver(send);
        } else {
            subscriber.lost();
            schedule(now() + CLIENT_BACKOFF_UNITS, Kind.SUBSCRIBE, 0, 0, 0, null);
        }
    }

    private void clientAnswered(int client, io.signalbox.protocol.Response answer) {
        long sentAt = clients.sentAt(client);
        SimClients.Outcome outcome = clients.answered(client, answer, now());
        trace.record(now(), 0, "client-answer", answer, outcome.ordinal() * 31L + answer.requestId());
        if (outcome == SimClients.Outcome.RETRY) {
            schedule(now() + CLIENT_BACKOFF_UNITS, Kind.CLIENT_RETRY, client, 0, 0, null);
        } else if (outcome == SimClients.Outcome.ACKNOWLEDGED) {
            long zxid = answer.reply().zxid();
            if (zxid != 0 && acknowledgedZxids.putIfAbsent(zxid, Boolean.TRUE) == null) {
                checker.onAcknowledged(zxid);
            }
            if (faults.healed() && sentAt >= faults.healTime() && !committedAfterHeal && zxid != 0) {
                committedAfterHeal = true;
                firstZxidCommittedAfterHeal = zxid;
            }
        }
    }

    /** The node the subscriber streams from died: it subscribes again elsewhere. */
    private void streamLost(SimNode node) {
        if (subscriber.subscribed() && subscriber.node() == node.id) {
            subscriber.lost();
            schedule(now() + CLIENT_BACKOFF_UNITS, Kind.SUBSCRIBE, 0, 0, 0, null);
        }
    }

    /** Every member (voter or observer) of the configuration in force delivered {@code zxid}; removed, retired and unborn nodes need not. */
    private boolean allNodesDelivered(long zxid) {
        List<Integer> members = membersInForce();
        if (members == null) {
            return false;
        }
        for (int id : members) {
            if (!nodes[id].up() || nodes[id].node.view().lastDeliveredZxid() < zxid) {
                return false;
            }
        }
        return true;
    }

    /** The members the run ends with, voters and observers, for the final checks. */
    private List<Integer> finalMembers() {
        List<Integer> members = membersInForce();
        if (members == null) {
            throw new Violation("liveness", "the run ended with no established leader to say which members are in force; " + clusterState());
        }
        return members;
    }

    /**
     * The first voters while the members never change, else the voters and observers of an
     * established leader's configuration; null while the membership changes and no leader is established.
     */
    private List<Integer> membersInForce() {
        if (options.idMax() == options.nodes()) {
            return firstVoters;
        }
        io.signalbox.consensus.Membership inForce = membership.inForce();
        return inForce == null ? null : inForce.members();
    }

    private void scheduleClient() {
        double mean = SimulationOptions.TICK_UNITS / options.proposalsPerTick();
        schedule(now() + 1 + (long) (-Math.log(1 - random.nextDouble()) * mean), Kind.CLIENT, 0, 0, 0, null);
    }

    private void schedule(long time, Kind kind, int node, int from, int incarnation, Object payload) {
        events.schedule(time, kind, node, from, incarnation, payload);
    }

    // ---- SimNode.Host ----

    @Override
    public void send(int from, int to, PeerMessage message) {
        int copies = network.copies(random);
        if (copies == 0 && sequence != null) {
            sequence.sent(now(), from, to, message, -1);
        }
        for (int i = 0; i < copies; i++) {
            long arrival = now() + network.delay(random);
            PeerMessage onWire = wire.apply(message);
            schedule(arrival, Kind.MESSAGE, to, from, 0, onWire);
            if (sequence != null) {
                sequence.sent(now(), from, to, onWire, arrival);
            }
        }
    }

    @Override
    public void diskBatchStarted(SimNode node) {
        long latency = 20 + random.nextInt(400);
        if (!faults.healed() && random.nextDouble() < options.slowDiskProbability()) {
            latency += random.nextLong(30 * SimulationOptions.TICK_UNITS);
        }
        schedule(now() + latency, Kind.DISK_DONE, node.id, 0, node.incarnation, null);
    }

    /** The report travels back to the node's loop on its own delay, so a later batch's report may overtake it. */
    @Override
    public void diskBatchReported(SimNode node, SimDisk.Report report) {
        schedule(now() + random.nextInt(DISK_REPORT_DELAY_UNITS_MAX), Kind.DISK_REPORT, node.id, 0, node.incarnation, report);
    }

    @Override
    public void proposed(SimNode node, Txn txn, long deliveredZxid) {
        checker.onProposed(node.id, txn.zxid(), txn.payload(), deliveredZxid);
        trace.record(now(), node.id, "propose", Zxid.format(txn.zxid()), txn.zxid());
    }

    @Override
    public void delivered(SimNode node, Txn txn, long digestAfter) {
        checker.onDelivered(node.id, txn, digestAfter);
        appliedOnce.applied(txn.zxid(), txn.payload());
    }

    @Override
    public void stateReset(SimNode node, long snapshotZxid, long digest) {
        checker.onStateReset(node.id, snapshotZxid, digest);
    }

    @Override
    public void roleChanged(SimNode node, Effect.RoleChanged change) {
        trace.record(now(), node.id, "role", change, change.role().ordinal() * 7L + change.epoch());
        if (change.role() == Role.LEADING && !change.established()) {
            membership.leadingStarted(node);
        }
        if (change.role() == Role.LEADING && change.established()) {
            checker.onEstablished(node.id, change.epoch(), node.node.view(), node.node::historyCovers);
        }
    }

    @Override
    public void reply(SimNode node, long connectionId, io.signalbox.protocol.Response response, boolean streamFrame) {
        if (connectionId == SimSubscriber.CONNECTION_ID) {
            if (node.id == subscriber.node() && !subscriber.received(response)) {
                schedule(now() + CLIENT_BACKOFF_UNITS, Kind.SUBSCRIBE, 0, 0, 0, null);
            }
        } else if (!streamFrame) {
            schedule(now() + 1 + random.nextLong(CLIENT_LINK_DELAY_UNITS_MAX), Kind.CLIENT_ANSWER, SimClients.clientOf(connectionId), node.id,
                    0, response);
        }
    }

    @Override
    public boolean crashPointHits(SimNode node) {
        return faults.crashPointHits();
    }

    @Override
    public void crashedAtCrashPoint(SimNode node) {
        faults.crashedAtCrashPoint(node);
    }

    @Override
    public void traced(SimNode node, String kind, Object detail, long fingerprint) {
        trace.record(now(), node.id, kind, detail, fingerprint);
    }

    private String clusterState() {
        StringBuilder out = new StringBuilder();
        for (int id = 1; id < nodes.length; id++) {
            out.append(nodes[id].up() ? nodes[id].node.view().toString()
                    : "node " + id + (nodes[id].retired ? " retired" : nodes[id].born() ? " down" : " not added")).append("; ");
        }
        return out.toString();
    }

    private static long fingerprint(PeerMessage message) {
        return CLASS_FINGERPRINTS.get(message instanceof PeerMessage.Zab zab ? zab.message().getClass() : message.getClass());
    }

    private static long elapsedMs(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
