package io.signalbox.consensus;

import io.signalbox.consensus.impl.CoreEngine;
import io.signalbox.consensus.message.ZabMessage;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * One node's ZAB state machine, in etcd-io/raft's RawNode shape: single-threaded and
 * I/O-free. Feed it {@link #tick()}, {@link #receive}, {@link #propose}, {@link #written}
 * and {@link #snapshotTaken}; after each call take the effects with {@link #takeEffects()}
 * and carry them out in order (see {@link Effect} for the durability contract).
 *
 * <p>Not thread-safe: exactly one thread calls it. Every call ends with always-on
 * invariant checks that throw {@link InvariantViolation}; after that the node must stop.
 */
public final class ZabCore {
    private final CoreEngine engine;

    private ZabCore(ZabConfig config, RecoveredState recovered, LongSupplier random, Set<Bug> bugs) {
        this.engine = new CoreEngine(config, recovered, random, bugs);
    }

    /**
     * A core for production use: no bug switches.
     *
     * @param random a seeded generator for election jitter (the runtime seeds it; the simulator from its seed)
     */
    public static ZabCore create(ZabConfig config, RecoveredState recovered, LongSupplier random) {
        return new ZabCore(config, recovered, random, EnumSet.noneOf(Bug.class));
    }

    /** A core with deliberate bugs, for the simulator's proof that its checks catch them. */
    public static ZabCore withBugsForSimulation(ZabConfig config, RecoveredState recovered, LongSupplier random, Set<Bug> bugs) {
        return new ZabCore(config, recovered, random, bugs);
    }

    /** One unit of time passes. Timeouts, heartbeats and retries are counted in ticks. */
    public void tick() {
        engine.tick();
    }

    /** A message from peer {@code from}; may be duplicated, late, or out of order. */
    public void receive(int from, ZabMessage message) {
        engine.receive(from, message);
    }

    /** Proposes a command; only an established leader accepts. Commit shows up as a {@link Effect.Deliver}. */
    public ProposeResult propose(byte[] payload) {
        return engine.propose(payload);
    }

    /**
     * Proposes a configuration change; only an established leader whose history holds no
     * uncommitted configuration entry accepts, one voter at a time, never below
     * {@link Membership#VOTERS_MIN} voters. Accepted, the new configuration is in force at
     * once (every quorum counts its voters); it commits as any txn, through a
     * {@link Effect.Deliver} of the entry ({@link ConfigurationEntry}), whose {@code nodeBlob}
     * (the members' addresses) the runtime applies to its member table. Refused, nothing changed.
     */
    public MembershipResult proposeMembership(MembershipChange change, byte[] nodeBlob) {
        return engine.proposeMembership(change, nodeBlob);
    }

    /**
     * Asks to confirm leadership for a linearizable read. On an established leader the answer
     * comes later as {@link Effect.ReadReady} with the same {@code readId}, after a quorum round;
     * false means not an established leader, or too many reads already wait.
     */
    public boolean readIndex(long readId) {
        return engine.readIndex(readId);
    }

    /**
     * The runtime's connection to {@code peerId} closed (ZooKeeper's learner sees the socket
     * exception). A follower of that peer starts an election at once instead of waiting
     * {@code followerTimeoutTicks}; otherwise nothing happens. Only liveness depends on it.
     */
    public void linkLost(int peerId) {
        engine.linkLost(peerId);
    }

    /**
     * The storage made every {@link Effect.DurableWrite} up to {@code writeId} durable (see
     * {@link Effect} for the contract). A report at or below an earlier one changes nothing.
     *
     * @throws IllegalArgumentException for a write id this core never issued
     */
    public void written(long writeId) {
        engine.written(writeId);
    }

    /**
     * The runtime wrote a durable snapshot of the state machine at a delivered zxid; the
     * core drops the txns it covers and serves it to followers that need a SNAP.
     */
    public void snapshotTaken(Snapshot snapshot) {
        engine.snapshotTaken(snapshot);
    }

    /** The effects produced since the last call, in the order they must be carried out. */
    public List<Effect> takeEffects() {
        return engine.takeEffects();
    }

    public NodeView view() {
        return engine.view();
    }

    public Role role() {
        return engine.role();
    }

    /** On a leader: each synced follower's highest durably acked zxid (for lag metrics); empty otherwise. */
    public java.util.Map<Integer, Long> followerAcks() {
        return engine.followerAcks();
    }

    /** For a leader: established (a quorum acked NEWLEADER); for a follower: UPTODATE received. */
    public boolean established() {
        return engine.established();
    }

    public long lastDeliveredZxid() {
        return engine.lastDeliveredZxid();
    }

    /** The membership in force on this node: the last configuration in its history, committed or not. */
    public Membership membership() {
        return engine.membership();
    }

    /**
     * The membership in force at {@code zxid}, for a snapshot the runtime takes there.
     *
     * @throws IllegalArgumentException below this node's snapshot or beyond its last zxid
     */
    public Membership membershipAt(long zxid) {
        return engine.membershipAt(zxid);
    }

    /** The configuration of the last entry this node delivered (committed): in force until a later entry is appended. */
    public Membership deliveredMembership() {
        return engine.deliveredMembership();
    }

    /** The configuration entries of the retained log, committed or not, in zxid order: their node data for the node layer. */
    public List<Txn> configurationTxns() {
        return engine.configurationTxns();
    }

    /** True when {@code zxid} is in this node's history (retained log or covered by its snapshot). */
    public boolean historyCovers(long zxid) {
        return engine.historyCovers(zxid);
    }
}
