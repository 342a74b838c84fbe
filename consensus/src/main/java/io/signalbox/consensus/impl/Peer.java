package io.signalbox.consensus.impl;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Bug;
import io.signalbox.consensus.Checks;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.Membership;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import io.signalbox.consensus.ZabConfig;
import io.signalbox.consensus.message.ZabMessage;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The state of one node that outlives role changes: epochs, history, durability and
 * delivery points, the clock in ticks, the seeded randomness and the outbox of
 * effects. The phase objects (election, leader, follower) act through it, so every
 * effect is emitted in one place and in causal order, and every message passes the
 * {@link DurabilityGate}.
 */
public final class Peer {
    final ZabConfig config;
    final Set<Bug> bugs;
    final LongSupplier random;
    final History history;
    final List<Effect> outbox = new ArrayList<>();
    final DurabilityGate gate = new DurabilityGate();
    /** The members in force other than this node, ascending; recomputed when the membership in force changes. */
    private int[] peers;
    /** The membership {@link #peers} was computed from. */
    private Membership peersOf;

    long acceptedEpoch;
    long currentEpoch;
    long lastPersistedZxid;
    long lastDeliveredZxid;
    long tick;

    Peer(ZabConfig config, Set<Bug> bugs, LongSupplier random, long acceptedEpoch, long currentEpoch,
         Snapshot snapshot, List<Txn> entries) {
        this.config = config;
        this.bugs = bugs.isEmpty() ? EnumSet.noneOf(Bug.class) : EnumSet.copyOf(bugs);
        this.random = random;
        this.history = new History(snapshot, entries, bootstrapMembership());
        this.acceptedEpoch = acceptedEpoch;
        this.currentEpoch = currentEpoch;
        this.lastPersistedZxid = history.lastZxid();
        // The state machine restarts from the snapshot; later txns are delivered again once committed.
        this.lastDeliveredZxid = snapshot.zxid();
    }

    int id() {
        return config.selfId();
    }

    /**
     * The membership in force on this node: the last configuration in its history, committed
     * or not. Every quorum this node counts is a majority of its voters.
     */
    Membership membership() {
        return history.inForce();
    }

    /**
     * The configuration of a snapshot that records none: the one the cluster was bootstrapped
     * with, this node among its observers if it is none of its voters (an observer joining).
     */
    Membership bootstrapMembership() {
        List<Integer> observers = config.voters().contains(id()) ? List.of() : List.of(id());
        return new Membership(Zxid.ZERO, config.voters(), observers);
    }

    /** The members in force other than this node, ascending. */
    int[] peers() {
        Membership inForce = history.inForce();
        if (inForce != peersOf) {
            peers = othersIn(inForce);
            peersOf = inForce;
        }
        return peers;
    }

    /**
     * The configuration of the last entry this node delivered. While a change this node holds
     * is uncommitted, the members it would drop are still heard and its voters still eligible:
     * one of them may lead and truncate the change.
     */
    Membership deliveredMembership() {
        return history.membershipAt(lastDeliveredZxid);
    }

    /** A member of the configuration in force or of the last one delivered. */
    boolean isKnownMember(int id) {
        return membership().isMember(id) || deliveredMembership().isMember(id);
    }

    /** Whom an election notifies: the members in force and those of the last configuration delivered. */
    int[] electionPeers() {
        Membership delivered = deliveredMembership();
        return delivered == history.inForce() ? peers() : othersIn(history.inForce(), delivered);
    }

    /** The voters and observers of {@code memberships} other than this node, ascending, each once. */
    private int[] othersIn(Membership... memberships) {
        java.util.TreeSet<Integer> members = new java.util.TreeSet<>();
        for (Membership membership : memberships) {
            members.addAll(membership.voters());
            members.addAll(membership.observers());
        }
        members.remove(id());
        return members.stream().mapToInt(Integer::intValue).toArray();
    }

    boolean bug(Bug bug) {
        return bugs.contains(bug);
    }

    long lastZxid() {
        return history.lastZxid();
    }

    /** A uniformly random int in [0, bound), from the injected seeded generator. */
    int randomInt(int bound) {
        return bound <= 0 ? 0 : (int) Math.floorMod(random.getAsLong(), (long) bound);
    }

    void send(int to, ZabMessage message) {
        if (!(to != id())) {
            throw Checks.violation("node %d sending %s to itself", to, message);
        }
        gate.send(new Effect.Send(to, message), outbox);
    }

    /**
     * Sends at once, even ahead of a write it vouches for: only for the bug switches that
     * re-introduce exactly that mistake.
     */
    void sendBeforeDurable(int to, ZabMessage message) {
        outbox.add(new Effect.Send(to, message));
    }

    void persistEpochs(long accepted, long current) {
        if (!(accepted >= current)) {
            throw Checks.violation("acceptedEpoch %d < currentEpoch %d", accepted, current);
        }
        if (!(accepted >= acceptedEpoch)) {
            throw Checks.violation("acceptedEpoch going back from %d to %d", acceptedEpoch, accepted);
        }
        acceptedEpoch = accepted;
        currentEpoch = current;
        if (!bug(Bug.NO_ACCEPTED_EPOCH)) {
            outbox.add(new Effect.PersistEpochs(gate.issue(-1, true), accepted, current));
        }
    }

    void append(List<Txn> txns) {
        if (txns.isEmpty()) {
            return;
        }
        for (Txn txn : txns) {
            if (!(txn.payload().length <= config.txnPayloadBytesMax())) {
                throw Checks.badArgument("txn %s has %d bytes, limit %d",
                    Zxid.format(txn.zxid()), txn.payload().length, config.txnPayloadBytesMax());
            }
            history.append(txn);
        }
        outbox.add(new Effect.AppendTxns(gate.issue(txns.get(txns.size() - 1).zxid(), false), txns));
    }

    void truncateAfter(long zxid) {
        if (!(zxid >= lastDeliveredZxid)) {
            throw Checks.violation("truncating to %s below delivered %s",
                Zxid.format(zxid), Zxid.format(lastDeliveredZxid));
        }
        if (!bug(Bug.KEEP_TRUNCATED_IN_MEMORY)) {
            history.truncateAfter(zxid);
        }
        gate.clampPending(zxid);
        outbox.add(new Effect.TruncateLog(gate.issue(zxid, true), zxid));
        lastPersistedZxid = Math.min(lastPersistedZxid, zxid);
    }

    void installSnapshot(Snapshot snapshot) {
        if (!(snapshot.zxid() >= lastDeliveredZxid)) {
            throw Checks.violation("snapshot %s is older than delivered %s",
                Zxid.format(snapshot.zxid()), Zxid.format(lastDeliveredZxid));
        }
        history.installSnapshot(snapshot, bootstrapMembership());
        Snapshot installed = history.snapshot(); // with its membership, for the storage to keep
        boolean durable = !bug(Bug.SNAP_NOT_DURABLE);
        gate.clampPending(snapshot.zxid());
        outbox.add(new Effect.InstallSnapshot(gate.issue(snapshot.zxid(), true), installed, durable));
        // What the old log holds durably need not be the leader's history; nothing vouches
        // for it meanwhile, as every message now waits for the install.
        lastPersistedZxid = Math.min(lastPersistedZxid, snapshot.zxid());
        lastDeliveredZxid = snapshot.zxid();
    }

    /** The storage reports every write up to {@code writeId} durable; held messages it unblocks go out. */
    void written(long writeId) {
        lastPersistedZxid = gate.written(writeId, lastPersistedZxid, outbox);
    }

    /** Hands every txn up to {@code zxid} that was not yet delivered to the state machine, in order. */
    void deliverUpTo(long zxid) {
        long target = Math.min(zxid, history.lastZxid());
        if (target <= lastDeliveredZxid) {
            return;
        }
        for (Txn txn : history.between(lastDeliveredZxid, target)) {
            outbox.add(new Effect.Deliver(txn));
            lastDeliveredZxid = txn.zxid();
        }
    }

    void emit(Effect effect) {
        outbox.add(effect);
    }
}
