package io.signalbox.consensus.impl;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Bug;
import io.signalbox.consensus.Checks;
import io.signalbox.consensus.ConfigurationEntry;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.Membership;
import io.signalbox.consensus.MembershipChange;
import io.signalbox.consensus.MembershipResult;
import io.signalbox.consensus.NodeView;
import io.signalbox.consensus.ProposeResult;
import io.signalbox.consensus.RecoveredState;
import io.signalbox.consensus.Role;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.ZabConfig;
import io.signalbox.consensus.message.ZabMessage.Notification;
import io.signalbox.consensus.message.ZabMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Dispatch by role, the transitions between roles, and the end-of-step checks. The
 * protocol itself lives in the phase classes, one handler per message.
 */
public final class CoreEngine implements Transitions {
    private final Peer peer;
    private Phase phase;
    private long electionRound;
    private int acceptedEpochFrom;

    public CoreEngine(ZabConfig config, RecoveredState recovered, LongSupplier random, Set<Bug> bugs) {
        long accepted = recovered.acceptedEpoch();
        long current = recovered.currentEpoch();
        if (bugs.contains(Bug.NO_ACCEPTED_EPOCH)) {
            // Before ZOOKEEPER-335 the epoch was read off the last zxid.
            long last = recovered.entries().isEmpty() ? recovered.snapshot().zxid()
                    : recovered.entries().get(recovered.entries().size() - 1).zxid();
            accepted = Zxid.epoch(last);
            current = Zxid.epoch(last);
        }
        this.peer = new Peer(config, bugs, random, accepted, current, recovered.snapshot(), recovered.entries());
        this.phase = startElection();
        endStep();
    }

    public void tick() {
        peer.tick++;
        phase.tick();
        endStep();
    }

    public void receive(int from, ZabMessage message) {
        if (!(from > 0 && from != peer.id())) {
            throw Checks.badArgument("message from peer %d: peer ids are positive and not this node's (%d)", from, peer.id());
        }
        if (!(message instanceof Notification) && from != phase.leaderId() && !peer.isKnownMember(from)) {
            // Neither in force nor in the last configuration we delivered: one added by an entry
            // we do not hold yet, or removed for good. The last delivered one stays heard, so
            // that an uncommitted removal we hold can still be truncated by its leader. The
            // leader we follow is heard whatever we hold (a node far behind may not know it
            // was added), and so is every notification: votes of non-voters never count, and a
            // lagging node learns who leads from them.
            return;
        }
        if (message instanceof Notification n && (phase instanceof LeaderRole || phase instanceof FollowerRole)) {
            replyWithCurrentLeader(from, n);
        } else {
            phase.receive(from, message);
        }
        endStep();
    }

    public ProposeResult propose(byte[] payload) {
        if (!(payload != null)) {
            throw Checks.badArgument("payload must not be null");
        }
        if (!(!ConfigurationEntry.isConfiguration(payload))) {
            throw Checks.badArgument("a payload must not start with byte 0x00 (reserved for the core's configuration entries; "
                    + "a protobuf message never does), got %d bytes starting with 0x00", payload.length);
        }
        ProposeResult result = phase instanceof LeaderRole leader
                ? leader.broadcast.propose(payload)
                : new ProposeResult.NotLeader(phase.leaderId());
        endStep();
        return result;
    }

    public MembershipResult proposeMembership(MembershipChange change, byte[] nodeBlob) {
        if (!(change != null && nodeBlob != null)) {
            throw Checks.badArgument("a membership change and its node data must not be null");
        }
        MembershipResult result = phase instanceof LeaderRole leader
                ? leader.membershipChanges.propose(change, nodeBlob)
                : new MembershipResult.Refused(MembershipResult.Reason.NOT_LEADER, change.member(), change + " refused: node "
                        + peer.id() + " is " + phase.role() + (phase.leaderId() > 0 ? ", the leader is " + phase.leaderId() : ""));
        endStep();
        return result;
    }

    public boolean readIndex(long readId) {
        boolean accepted = phase instanceof LeaderRole leader && leader.broadcast.readIndex(readId);
        endStep();
        return accepted;
    }

    public void linkLost(int peerId) {
        if (!(peerId > 0 && peerId != peer.id())) {
            throw Checks.badArgument("link lost to peer %d: peer ids are positive and not this node's (%d)", peerId, peer.id());
        }
        if (phase instanceof FollowerRole && phase.leaderId() == peerId) {
            lookForLeader("the link to leader " + peerId + " was lost");
        }
        endStep();
    }

    public void written(long writeId) {
        long before = peer.lastPersistedZxid;
        peer.written(writeId);
        if (peer.lastPersistedZxid > before) {
            phase.persistedAdvanced();
        }
        endStep();
    }

    public void snapshotTaken(Snapshot snapshot) {
        if (!(snapshot.zxid() <= peer.lastDeliveredZxid)) {
            throw Checks.badArgument("snapshot at %s is beyond delivered %s",
                Zxid.format(snapshot.zxid()), Zxid.format(peer.lastDeliveredZxid));
        }
        if (snapshot.zxid() > peer.history.snapshot().zxid() && peer.history.contains(snapshot.zxid())) {
            peer.history.compact(snapshot);
        }
        endStep();
    }

    public List<Effect> takeEffects() {
        if (peer.outbox.isEmpty()) {
            return List.of();
        }
        List<Effect> effects = new ArrayList<>(peer.outbox);
        peer.outbox.clear();
        return effects;
    }

    public NodeView view() {
        return new NodeView(peer.id(), phase.role(), phase.leaderId(), phase.established(), peer.acceptedEpoch,
                peer.currentEpoch, peer.lastZxid(), peer.lastPersistedZxid, peer.lastDeliveredZxid,
                peer.history.snapshot().zxid(), electionRound);
    }

    public Role role() {
        return phase.role();
    }

    public java.util.Map<Integer, Long> followerAcks() {
        java.util.Map<Integer, Long> acks = new java.util.TreeMap<>();
        if (phase instanceof LeaderRole leader) {
            for (LearnerHandle handle : leader.learners.values()) {
                if (handle.synced()) {
                    acks.put(handle.sid, handle.ackedZxid);
                }
            }
        }
        return acks;
    }

    public boolean established() {
        return phase.established();
    }

    public long lastDeliveredZxid() {
        return peer.lastDeliveredZxid;
    }

    public Membership membership() {
        return peer.membership();
    }

    public Membership membershipAt(long zxid) {
        if (!(zxid >= peer.history.snapshot().zxid() && zxid <= peer.lastZxid())) {
            throw Checks.badArgument("membership at %s asked outside this node's history %s..%s", Zxid.format(zxid),
                    Zxid.format(peer.history.snapshot().zxid()), Zxid.format(peer.lastZxid()));
        }
        return peer.history.membershipAt(zxid);
    }

    public Membership deliveredMembership() {
        return peer.deliveredMembership();
    }

    public java.util.List<io.signalbox.consensus.Txn> configurationTxns() {
        return peer.history.configurationTxns();
    }

    public boolean historyCovers(long zxid) {
        return zxid <= peer.history.snapshot().zxid() || peer.history.contains(zxid);
    }

    /** A node that follows or leads answers a looking node with the vote it was elected by. */
    private void replyWithCurrentLeader(int from, Notification n) {
        if (n.senderState() != Role.LOOKING) {
            return;
        }
        Vote elected = phase instanceof LeaderRole leader ? leader.electedVote : ((FollowerRole) phase).electedVote;
        peer.send(from, new Notification(elected.round(), phase.role(), elected.leader(), elected.zxid(), elected.epoch(),
                peer.membership().zxid()));
    }

    @Override
    public void lookForLeader(String reason) {
        rememberAcceptedEpochSource();
        peer.emit(new Effect.RoleChanged(Role.LOOKING, 0, peer.currentEpoch, false, reason));
        phase = startElection();
    }

    @Override
    public void follow(Vote vote) {
        electionRound = vote.round();
        phase = new FollowerRole(peer, this, vote, peer.random.getAsLong(), acceptedEpochFrom);
    }

    @Override
    public void lead(Vote vote) {
        electionRound = vote.round();
        phase = new LeaderRole(peer, this, vote);
    }

    private Phase startElection() {
        FastLeaderElection election = new FastLeaderElection(peer, this, electionRound);
        electionRound = election.round();
        return election;
    }

    private void rememberAcceptedEpochSource() {
        if (phase instanceof FollowerRole follower) {
            acceptedEpochFrom = follower.acceptedEpochFrom;
        } else if (phase instanceof LeaderRole) {
            acceptedEpochFrom = peer.id();
        }
    }

    /**
     * Every input ends here: a node whose removal it has delivered (committed) stops voting,
     * leading and following (design invariant 4), then the always-on checks run. A removal is
     * a configuration without this node after one with it: a new node syncing from a snapshot
     * older than its own addition is not removed, only not yet added.
     */
    private void endStep() {
        Membership inForce = peer.membership();
        if (phase.role() != Role.REMOVED && !inForce.isMember(peer.id()) && peer.lastDeliveredZxid >= inForce.zxid()
                && peer.history.hadMemberBefore(peer.id(), inForce.zxid())) {
            String was = phase.role() + (phase.role() == Role.LEADING ? " (stepping down)" : "");
            phase = new RemovedPhase();
            peer.emit(new Effect.RoleChanged(Role.REMOVED, 0, peer.currentEpoch, false, "node " + peer.id() + " was "
                    + was + "; the configuration entry at " + Zxid.format(inForce.zxid()) + " removed it from the members ("
                    + inForce + ") and is committed"));
        }
        checkInvariants();
    }

    private void checkInvariants() {
        if (!(peer.acceptedEpoch >= peer.currentEpoch)) {
            throw Checks.violation("acceptedEpoch %d < currentEpoch %d",
                peer.acceptedEpoch, peer.currentEpoch);
        }
        if (!(Zxid.epoch(peer.lastZxid()) <= peer.acceptedEpoch || peer.bug(Bug.NO_ACCEPTED_EPOCH))) {
            throw Checks.violation("history reaches epoch %d beyond acceptedEpoch %d", Zxid.epoch(peer.lastZxid()), peer.acceptedEpoch);
        }
        if (!(peer.lastPersistedZxid <= peer.lastZxid())) {
            throw Checks.violation("durable %s beyond last %s",
                Zxid.format(peer.lastPersistedZxid), Zxid.format(peer.lastZxid()));
        }
        if (!(peer.lastDeliveredZxid <= peer.lastZxid() && peer.lastDeliveredZxid >= peer.history.snapshot().zxid())) {
            throw Checks.violation("delivered %s outside history %s..%s", Zxid.format(peer.lastDeliveredZxid),
                Zxid.format(peer.history.snapshot().zxid()), Zxid.format(peer.lastZxid()));
        }
        phase.checkInvariants();
    }
}
