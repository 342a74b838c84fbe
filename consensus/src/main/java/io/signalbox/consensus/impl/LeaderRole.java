package io.signalbox.consensus.impl;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Bug;
import io.signalbox.consensus.Checks;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.Quorum;
import io.signalbox.consensus.Role;
import io.signalbox.consensus.Txn;
import io.signalbox.consensus.message.ZabMessage.Ack;
import io.signalbox.consensus.message.ZabMessage.AckEpoch;
import io.signalbox.consensus.message.ZabMessage.AckNewLeader;
import io.signalbox.consensus.message.ZabMessage.FollowerInfo;
import io.signalbox.consensus.message.ZabMessage.LeaderInfo;
import io.signalbox.consensus.message.ZabMessage.NewLeader;
import io.signalbox.consensus.message.ZabMessage.Proposal;
import io.signalbox.consensus.message.ZabMessage.SyncDiff;
import io.signalbox.consensus.message.ZabMessage.SyncSnap;
import io.signalbox.consensus.message.ZabMessage.SyncTrunc;
import io.signalbox.consensus.message.ZabMessage.UpToDate;
import io.signalbox.consensus.message.ZabMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The leader through discovery (Zab.tla LeaderProcessFOLLOWERINFO, LeaderProcessACKEPOCH)
 * and synchronization (LeaderSyncFollower, LeaderProcessACKLD); broadcast is in
 * {@link LeaderBroadcast}.
 */
final class LeaderRole implements Phase {
    enum Stage { AWAIT_FOLLOWER_INFO, AWAIT_EPOCH_ACKS, AWAIT_OWN_DURABILITY, AWAIT_NEWLEADER_ACKS, BROADCAST }

    final Peer peer;
    final Transitions transitions;
    final Vote electedVote;
    final Map<Integer, LearnerHandle> learners = new TreeMap<>();
    final LeaderBroadcast broadcast;
    final LeaderMembership membershipChanges;
    Stage stage = Stage.AWAIT_FOLLOWER_INFO;
    long epoch = -1;
    /** The leader's last zxid when it sent NEWLEADER: its initial history, committed on establishment. */
    long establishedZxid = -1;
    /** The configuration in force when this leader was established (only bug switch commit-with-old-quorum counts with it). */
    io.signalbox.consensus.Membership establishedWith;
    private final long electedCurrentEpoch;
    private final long electedLastZxid;
    private final long startTick;

    LeaderRole(Peer peer, Transitions transitions, Vote electedVote) {
        this.peer = peer;
        this.transitions = transitions;
        this.electedVote = electedVote;
        this.electedCurrentEpoch = peer.currentEpoch;
        this.electedLastZxid = peer.lastZxid();
        this.startTick = peer.tick;
        this.broadcast = new LeaderBroadcast(this);
        this.membershipChanges = new LeaderMembership(this);
        peer.emit(new Effect.RoleChanged(Role.LEADING, peer.id(), peer.currentEpoch, false,
                "elected by " + electedVote + "; starting discovery"));
    }

    @Override
    public Role role() {
        return Role.LEADING;
    }

    @Override
    public int leaderId() {
        return peer.id();
    }

    @Override
    public boolean established() {
        return stage == Stage.BROADCAST;
    }

    @Override
    public void tick() {
        if (stage != Stage.BROADCAST && peer.tick - startTick > peer.config.establishTimeoutTicks()) {
            transitions.lookForLeader("leader of epoch " + epoch + " not established within "
                    + peer.config.establishTimeoutTicks() + " ticks (stage " + stage + ")");
            return;
        }
        resendStalledNewLeaders();
        broadcast.tick();
    }

    /**
     * A lost NEWLEADER, or a lost ack of it, would hold the follower out until its establish
     * timeout; the follower answers a repeated NEWLEADER it already acked with the ack again.
     */
    private void resendStalledNewLeaders() {
        if (stage != Stage.AWAIT_NEWLEADER_ACKS && stage != Stage.BROADCAST) {
            return;
        }
        for (LearnerHandle handle : learners.values()) {
            if (handle.stage == LearnerHandle.Stage.SYNCING
                    && peer.tick - handle.lastAckProgressTick >= peer.config.retransmitTicks()) {
                handle.lastAckProgressTick = peer.tick;
                peer.send(handle.sid, new NewLeader(handle.attempt, epoch, handle.newLeaderZxid));
            }
        }
    }

    @Override
    public void receive(int from, ZabMessage message) {
        LearnerHandle known = learners.get(from);
        if (known != null) {
            known.lastHeardTick = peer.tick;
        }
        if (message instanceof FollowerInfo m) {
            onFollowerInfo(from, m);
        } else if (message instanceof AckEpoch m) {
            onAckEpoch(from, m);
        } else if (message instanceof AckNewLeader m) {
            onAckNewLeader(from, m);
        } else if (message instanceof Ack m) {
            broadcast.onAck(from, m);
        }
    }

    /** LeaderProcessFOLLOWERINFO: collect a quorum, then choose newEpoch = max(acceptedEpoch) + 1. */
    private void onFollowerInfo(int from, FollowerInfo info) {
        LearnerHandle existing = learners.get(from);
        if (existing != null && existing.attempt == info.attempt()) {
            if (epoch >= 0 && existing.stage == LearnerHandle.Stage.INFO_RECEIVED) {
                peer.send(from, new LeaderInfo(info.attempt(), epoch)); // our LEADERINFO was lost
            }
            return;
        }
        if (epoch >= 0 && info.acceptedEpoch() > epoch) {
            // It promised a later epoch (to a leader that never established) and will refuse ours
            // forever; only a new election moves the epoch past its promise.
            transitions.lookForLeader("follower " + from + " has promised epoch " + info.acceptedEpoch()
                    + ", above our epoch " + epoch + ": re-electing so the next epoch is above it");
            return;
        }
        LearnerHandle handle = new LearnerHandle(from, info.attempt(), info.acceptedEpoch(), peer.tick);
        handle.ackLastZxid = info.lastZxid();
        learners.put(from, handle);
        if (epoch >= 0) {
            peer.send(from, new LeaderInfo(info.attempt(), epoch));
            return;
        }
        if (!peer.membership().isQuorum(withSelf(learners.keySet()))) {
            return;
        }
        List<Long> acceptedEpochs = new ArrayList<>();
        acceptedEpochs.add(peer.acceptedEpoch);
        for (LearnerHandle learner : learners.values()) {
            acceptedEpochs.add(learner.acceptedEpoch);
        }
        epoch = Quorum.newEpoch(acceptedEpochs);
        // The promise must be durable before anyone hears of the epoch (ZOOKEEPER-335).
        peer.persistEpochs(epoch, peer.currentEpoch);
        stage = Stage.AWAIT_EPOCH_ACKS;
        for (LearnerHandle learner : learners.values()) {
            peer.send(learner.sid, new LeaderInfo(learner.attempt, epoch));
        }
    }

    /** LeaderProcessACKEPOCH: a quorum of fresh acks, unless some follower is more recent than us. */
    private void onAckEpoch(int from, AckEpoch ack) {
        LearnerHandle handle = learners.get(from);
        if (handle == null || handle.attempt != ack.attempt() || ack.epoch() != epoch
                || handle.stage != LearnerHandle.Stage.INFO_RECEIVED) {
            return;
        }
        handle.stage = LearnerHandle.Stage.EPOCH_ACKED;
        handle.epochAckCounted = ack.counted();
        handle.ackCurrentEpoch = ack.currentEpoch();
        handle.ackLastZxid = ack.lastZxid();
        boolean waitingForQuorum = stage == Stage.AWAIT_EPOCH_ACKS;
        // Only a voter's history can hold what a quorum committed; an observer's newer tail is
        // uncommitted, and the sync below truncates it (abdicating for it would elect us again).
        if (waitingForQuorum && peer.membership().isVoter(from) && Quorum.historyMoreRecent(ack.currentEpoch(), ack.lastZxid(),
                electedCurrentEpoch, electedLastZxid)) {
            transitions.lookForLeader("follower " + from + " is more recent (epoch " + ack.currentEpoch()
                    + ", zxid " + Zxid.format(ack.lastZxid()) + ") than leader (epoch " + electedCurrentEpoch
                    + ", zxid " + Zxid.format(electedLastZxid) + "): abdicating");
            return;
        }
        if (waitingForQuorum) {
            List<Integer> counted = withSelf(List.of());
            for (LearnerHandle learner : learners.values()) {
                if (learner.stage != LearnerHandle.Stage.INFO_RECEIVED && learner.epochAckCounted) {
                    counted.add(learner.sid);
                }
            }
            if (peer.membership().isQuorum(counted)) {
                stage = Stage.AWAIT_OWN_DURABILITY;
                startSyncWhenDurable();
            }
        } else if (stage == Stage.AWAIT_NEWLEADER_ACKS || stage == Stage.BROADCAST) {
            syncFollower(handle);
        }
    }

    /**
     * The leader adopts the epoch only once its own history is durable, mirroring what it
     * demands of followers (ZOOKEEPER-4643 on the leader's side), then syncs everyone.
     */
    void startSyncWhenDurable() {
        if (stage != Stage.AWAIT_OWN_DURABILITY || peer.lastPersistedZxid < peer.lastZxid()) {
            return;
        }
        peer.persistEpochs(epoch, epoch);
        establishedZxid = peer.lastZxid();
        stage = Stage.AWAIT_NEWLEADER_ACKS;
        for (LearnerHandle learner : learners.values()) {
            if (learner.stage == LearnerHandle.Stage.EPOCH_ACKED) {
                syncFollower(learner);
            }
        }
    }

    /** LeaderSyncFollower: DIFF, TRUNC (+DIFF) or SNAP (+DIFF), then NEWLEADER. */
    void syncFollower(LearnerHandle handle) {
        History history = peer.history;
        long followerZxid = handle.ackLastZxid;
        long snapshotZxid = history.snapshot().zxid();
        long base;
        if (followerZxid < snapshotZxid) {
            peer.send(handle.sid, new SyncSnap(handle.attempt, epoch, history.snapshot()));
            base = snapshotZxid;
        } else if (history.contains(followerZxid)) {
            peer.send(handle.sid, new SyncDiff(handle.attempt, epoch, followerZxid));
            base = followerZxid;
        } else if (peer.bug(Bug.SKIP_TRUNCATE)) {
            // ZOOKEEPER-1154: treat the follower's extra suffix as if it were ours.
            peer.send(handle.sid, new SyncDiff(handle.attempt, epoch, followerZxid));
            List<Txn> rest = history.between(followerZxid, peer.lastZxid());
            if (!rest.isEmpty()) {
                peer.send(handle.sid, new Proposal(epoch, followerZxid, rest));
            }
            finishSync(handle, Math.max(followerZxid, peer.lastZxid()));
            return;
        } else {
            base = history.floor(followerZxid);
            peer.send(handle.sid, new SyncTrunc(handle.attempt, epoch, base));
        }
        streamAfter(handle, base);
        finishSync(handle, peer.lastZxid());
    }

    private void finishSync(LearnerHandle handle, long upTo) {
        handle.sentUpToZxid = upTo;
        handle.newLeaderZxid = peer.lastZxid();
        handle.stage = LearnerHandle.Stage.SYNCING;
        handle.lastAckProgressTick = peer.tick;
        peer.send(handle.sid, new NewLeader(handle.attempt, epoch, peer.lastZxid()));
    }

    /** Sends every txn after {@code base} in bounded PROPOSAL batches. */
    void streamAfter(LearnerHandle handle, long base) {
        long previous = base;
        while (previous < peer.lastZxid()) {
            List<Txn> batch = peer.history.after(previous, peer.config.proposalTxnsMax(), peer.config.syncBatchBytesMax());
            if (!(!batch.isEmpty())) {
                throw Checks.violation("nothing after %s below last %s", Zxid.format(previous), Zxid.format(peer.lastZxid()));
            }
            peer.send(handle.sid, new Proposal(epoch, previous, batch));
            previous = batch.get(batch.size() - 1).zxid();
        }
        handle.sentUpToZxid = previous;
    }

    /** LeaderProcessACKLD: a quorum of NEWLEADER acks establishes the leader. */
    private void onAckNewLeader(int from, AckNewLeader ack) {
        LearnerHandle handle = learners.get(from);
        if (handle == null || ack.attempt() != handle.attempt || ack.epoch() != epoch
                || handle.stage != LearnerHandle.Stage.SYNCING || ack.zxid() != handle.newLeaderZxid) {
            return;
        }
        handle.stage = LearnerHandle.Stage.SYNCED;
        handle.ackedZxid = Math.max(handle.ackedZxid, ack.zxid());
        handle.lastAckProgressTick = peer.tick;
        if (stage == Stage.BROADCAST) {
            handle.stage = LearnerHandle.Stage.UP_TO_DATE;
            peer.send(from, new UpToDate(handle.attempt, epoch, broadcast.commitZxid));
            return;
        }
        List<Integer> synced = withSelf(List.of()); // ourselves: durable up to establishedZxid before we sent NEWLEADER
        for (LearnerHandle learner : learners.values()) {
            if (learner.synced()) {
                synced.add(learner.sid);
            }
        }
        if (peer.membership().isQuorum(synced)) {
            establish();
        }
    }

    private void establish() {
        stage = Stage.BROADCAST;
        establishedWith = peer.membership();
        broadcast.commitZxid = establishedZxid;
        // Primary integrity: everything of earlier epochs is delivered before anything new is proposed.
        peer.deliverUpTo(establishedZxid);
        peer.emit(new Effect.RoleChanged(Role.LEADING, peer.id(), epoch, true,
                "a quorum acked NEWLEADER; history up to " + Zxid.format(establishedZxid) + " committed"));
        for (LearnerHandle learner : learners.values()) {
            if (learner.synced()) {
                learner.stage = LearnerHandle.Stage.UP_TO_DATE;
                peer.send(learner.sid, new UpToDate(learner.attempt, epoch, broadcast.commitZxid));
            }
        }
    }

    /** {@code ids} and this node, for counting a quorum: a new list the caller may add to. */
    List<Integer> withSelf(java.util.Collection<Integer> ids) {
        List<Integer> counted = new ArrayList<>(ids.size() + 4);
        counted.add(peer.id());
        counted.addAll(ids);
        return counted;
    }

    @Override
    public void persistedAdvanced() {
        startSyncWhenDurable();
        broadcast.persistedAdvanced();
    }

    @Override
    public void checkInvariants() {
        if (!(epoch < 0 || peer.acceptedEpoch >= epoch)) {
            throw Checks.violation("leader's acceptedEpoch %d below its epoch %d",
                peer.acceptedEpoch, epoch);
        }
        if (stage == Stage.AWAIT_NEWLEADER_ACKS || stage == Stage.BROADCAST) {
            if (!(peer.currentEpoch == epoch)) {
                throw Checks.violation("leader syncing epoch %d with currentEpoch %d", epoch, peer.currentEpoch);
            }
        }
        broadcast.checkInvariants();
    }
}
