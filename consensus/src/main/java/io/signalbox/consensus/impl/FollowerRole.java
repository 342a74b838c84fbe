package io.signalbox.consensus.impl;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Bug;
import io.signalbox.consensus.Checks;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.Role;
import io.signalbox.consensus.Txn;
import io.signalbox.consensus.message.ZabMessage.Ack;
import io.signalbox.consensus.message.ZabMessage.AckEpoch;
import io.signalbox.consensus.message.ZabMessage.AckNewLeader;
import io.signalbox.consensus.message.ZabMessage.Commit;
import io.signalbox.consensus.message.ZabMessage.FollowerInfo;
import io.signalbox.consensus.message.ZabMessage.LeaderInfo;
import io.signalbox.consensus.message.ZabMessage.NewLeader;
import io.signalbox.consensus.message.ZabMessage.Ping;
import io.signalbox.consensus.message.ZabMessage.Proposal;
import io.signalbox.consensus.message.ZabMessage.SyncDiff;
import io.signalbox.consensus.message.ZabMessage.SyncSnap;
import io.signalbox.consensus.message.ZabMessage.SyncTrunc;
import io.signalbox.consensus.message.ZabMessage.UpToDate;
import io.signalbox.consensus.message.ZabMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A follower through discovery (Zab.tla FollowerProcessLEADERINFO), synchronization
 * (FollowerProcessSyncMessage, FollowerProcessNEWLEADER, FollowerProcessUPTODATE) and
 * broadcast (FollowerProcessPROPOSAL, FollowerProcessCOMMIT). Every reply that vouches
 * for data is sent only once the storage has reported that data durable.
 */
final class FollowerRole implements Phase {
    enum Stage { DISCOVERY, AWAIT_SYNC, SYNCING, BROADCAST }

    private final Peer peer;
    private final Transitions transitions;
    final Vote electedVote;
    private final int leader;
    private final long attempt;
    private final long attemptStartTick;
    private Stage stage = Stage.DISCOVERY;
    private long epoch = -1;
    private boolean epochAckCounted;
    private long lastHeardTick;
    /** The highest read-index round seen in this leader's pings; echoed in every ack. */
    private long readRoundSeen;
    /** How the leader brought us in sync (DIFF, TRUNC or SNAP, and from where): part of the role-change reason. */
    private String syncedBy = "no sync header";
    private long nextFollowerInfoTick;
    /** The zxid of the NEWLEADER received and not yet acknowledged, or -1. */
    private long pendingNewLeaderZxid = -1;
    private boolean newLeaderAcked;
    private long commitZxid;
    private long lastAckSentZxid = -1;

    FollowerRole(Peer peer, Transitions transitions, Vote electedVote, long attempt, int acceptedEpochFrom) {
        this.peer = peer;
        this.transitions = transitions;
        this.electedVote = electedVote;
        this.leader = electedVote.leader();
        this.attempt = attempt;
        this.attemptStartTick = peer.tick;
        this.lastHeardTick = peer.tick;
        this.acceptedEpochFrom = acceptedEpochFrom;
        this.commitZxid = peer.lastDeliveredZxid; // what we delivered under an earlier leader was committed
        peer.emit(new Effect.RoleChanged(Role.FOLLOWING, leader, peer.currentEpoch, false,
                "elected by " + electedVote + "; sending FOLLOWERINFO"));
        sendFollowerInfo();
    }

    /** The leader this node accepted its current acceptedEpoch from in this incarnation, or 0. */
    int acceptedEpochFrom;

    @Override
    public Role role() {
        return Role.FOLLOWING;
    }

    @Override
    public int leaderId() {
        return leader;
    }

    @Override
    public boolean established() {
        return stage == Stage.BROADCAST;
    }

    @Override
    public void tick() {
        if (peer.tick - lastHeardTick > peer.config.followerTimeoutTicks()) {
            transitions.lookForLeader("no word from leader " + leader + " for " + peer.config.followerTimeoutTicks() + " ticks");
        } else if (stage != Stage.BROADCAST && peer.tick - attemptStartTick > peer.config.establishTimeoutTicks()) {
            transitions.lookForLeader("not synced with leader " + leader + " within "
                    + peer.config.establishTimeoutTicks() + " ticks (stage " + stage + ")");
        } else if (stage == Stage.DISCOVERY && peer.tick >= nextFollowerInfoTick) {
            sendFollowerInfo();
        }
    }

    private void sendFollowerInfo() {
        peer.send(leader, new FollowerInfo(attempt, peer.acceptedEpoch, peer.lastZxid()));
        nextFollowerInfoTick = peer.tick + peer.config.discoveryRetryTicks();
    }

    @Override
    public void receive(int from, ZabMessage message) {
        if (from != leader) {
            return;
        }
        lastHeardTick = peer.tick;
        if (message instanceof LeaderInfo m) {
            onLeaderInfo(m);
        } else if (message instanceof SyncDiff m) {
            onSyncDiff(m);
        } else if (message instanceof SyncTrunc m) {
            onSyncTrunc(m);
        } else if (message instanceof SyncSnap m) {
            onSyncSnap(m);
        } else if (message instanceof Proposal m) {
            onProposal(m);
        } else if (message instanceof NewLeader m) {
            onNewLeader(m);
        } else if (message instanceof UpToDate m) {
            onUpToDate(m.attempt(), m.epoch(), m.commitZxid());
        } else if (message instanceof Commit m) {
            onCommit(m);
        } else if (message instanceof Ping m) {
            onPing(m);
        }
    }

    /** FollowerProcessLEADERINFO: promise the epoch durably, then ACKEPOCH with our history's summary. */
    private void onLeaderInfo(LeaderInfo info) {
        if (info.attempt() != attempt) {
            return;
        }
        if (stage != Stage.DISCOVERY) {
            if (info.newEpoch() == epoch && stage == Stage.AWAIT_SYNC) {
                sendAckEpoch(); // our ACKEPOCH was lost
            }
            return;
        }
        long newEpoch = info.newEpoch();
        if (newEpoch > peer.acceptedEpoch) {
            peer.persistEpochs(newEpoch, peer.currentEpoch);
            acceptedEpochFrom = leader;
            epochAckCounted = true;
        } else if (newEpoch == peer.acceptedEpoch) {
            // Already promised: count it only if the promise was to this very leader (ZooKeeper sends -1).
            epochAckCounted = acceptedEpochFrom == leader;
        } else {
            transitions.lookForLeader("leader " + leader + " offers epoch " + newEpoch
                    + " below our acceptedEpoch " + peer.acceptedEpoch);
            return;
        }
        epoch = newEpoch;
        stage = Stage.AWAIT_SYNC;
        sendAckEpoch();
    }

    private void sendAckEpoch() {
        peer.send(leader, new AckEpoch(attempt, epoch, epochAckCounted, peer.currentEpoch, peer.lastZxid()));
    }

    private boolean syncHeaderExpected(long messageAttempt, long messageEpoch) {
        return stage == Stage.AWAIT_SYNC && messageAttempt == attempt && messageEpoch == epoch;
    }

    /** DIFF: our history up to the base is the leader's; nothing to undo. */
    private void onSyncDiff(SyncDiff diff) {
        if (!syncHeaderExpected(diff.attempt(), diff.epoch())) {
            return;
        }
        if (!(diff.baseZxid() == peer.lastZxid())) {
            throw Checks.violation("DIFF from %s but our last zxid is %s",
                Zxid.format(diff.baseZxid()), Zxid.format(peer.lastZxid()));
        }
        syncedBy = "DIFF after " + Zxid.format(diff.baseZxid());
        stage = Stage.SYNCING;
    }

    /** TRUNC: drop our suffix that the leader does not have (uncommitted txns of an older epoch). */
    private void onSyncTrunc(SyncTrunc trunc) {
        if (!syncHeaderExpected(trunc.attempt(), trunc.epoch())) {
            return;
        }
        long point = trunc.truncateAfterZxid();
        if (!(point < peer.lastZxid() && peer.history.contains(point))) {
            throw Checks.violation("TRUNC to %s, but our history ends at %s or lacks that zxid", Zxid.format(point), Zxid.format(peer.lastZxid()));
        }
        peer.truncateAfter(point);
        syncedBy = "TRUNC after " + Zxid.format(point);
        stage = Stage.SYNCING;
    }

    /** SNAP: adopt the leader's snapshot; durable before anything that depends on it is acked. */
    private void onSyncSnap(SyncSnap snap) {
        if (!syncHeaderExpected(snap.attempt(), snap.epoch())) {
            return;
        }
        peer.installSnapshot(snap.snapshot());
        syncedBy = "SNAP at " + Zxid.format(snap.snapshot().zxid());
        stage = Stage.SYNCING;
    }

    /** FollowerProcessPROPOSAL: append txns that extend our log; skip duplicates; drop after a gap. */
    private void onProposal(Proposal proposal) {
        if (proposal.epoch() != epoch || (stage != Stage.SYNCING && stage != Stage.BROADCAST)) {
            return;
        }
        long previous = proposal.prevZxid();
        List<Txn> appended = new ArrayList<>();
        for (Txn txn : proposal.txns()) {
            long last = peer.lastZxid();
            if (txn.zxid() <= last && appended.isEmpty()) {
                // Already have it (a retransmit or duplicate); one zxid must never name two txns.
                if (!(txn.zxid() <= peer.history.snapshot().zxid() || peer.history.get(txn.zxid()).equals(txn))) {
                    throw Checks.violation("zxid %s names two different txns", Zxid.format(txn.zxid()));
                }
                previous = txn.zxid();
                continue;
            }
            if (previous != peer.lastZxid() && appended.isEmpty()) {
                break; // a gap: an earlier proposal was lost or is late; the leader will resend
            }
            appended.add(txn);
            previous = txn.zxid();
        }
        peer.append(appended);
        if (!appended.isEmpty()) {
            maybeAckNewLeader();
        }
    }

    /** FollowerProcessNEWLEADER: durable txns first, then currentEpoch, then the ack (ZOOKEEPER-3911, 4643). */
    private void onNewLeader(NewLeader newLeader) {
        if (newLeader.attempt() != attempt || newLeader.epoch() != epoch) {
            return;
        }
        if (newLeaderAcked) {
            if (newLeader.zxid() == pendingNewLeaderZxid) {
                resendNewLeaderAck(); // the leader repeats NEWLEADER until it hears our ack
            }
            return;
        }
        if (stage != Stage.SYNCING) {
            return; // ahead of the sync header: the leader repeats NEWLEADER while it waits
        }
        pendingNewLeaderZxid = newLeader.zxid();
        maybeAckNewLeader();
    }

    private void maybeAckNewLeader() {
        if (pendingNewLeaderZxid < 0 || newLeaderAcked || peer.lastZxid() < pendingNewLeaderZxid) {
            return;
        }
        boolean durable = peer.lastPersistedZxid >= pendingNewLeaderZxid;
        boolean asyncLog = peer.bug(Bug.ASYNC_LOG_AFTER_NEWLEADER);
        boolean epochFirst = peer.bug(Bug.EPOCH_BEFORE_TXNS) || peer.bug(Bug.ACK_NEWLEADER_BEFORE_PERSIST) || asyncLog;
        if (peer.currentEpoch != epoch && (durable || epochFirst)) {
            peer.persistEpochs(peer.acceptedEpoch, epoch);
        }
        if (durable || asyncLog || peer.bug(Bug.ACK_NEWLEADER_BEFORE_PERSIST)) {
            newLeaderAcked = true;
            if (durable || asyncLog) { // under 4646, the ack waits for the epoch write only
                peer.send(leader, new AckNewLeader(attempt, epoch, pendingNewLeaderZxid));
            } else {
                peer.sendBeforeDurable(leader, new AckNewLeader(attempt, epoch, pendingNewLeaderZxid));
            }
            lastAckSentZxid = pendingNewLeaderZxid;
            peer.emit(new Effect.RoleChanged(Role.FOLLOWING, leader, epoch, false,
                    "synced to " + Zxid.format(pendingNewLeaderZxid) + " by " + syncedBy + " and adopted the epoch; acking NEWLEADER"));
        }
    }

    private void resendNewLeaderAck() {
        peer.send(leader, new AckNewLeader(attempt, epoch, pendingNewLeaderZxid));
    }

    /**
     * FollowerProcessUPTODATE: the leader is established and has counted our NEWLEADER ack;
     * start serving and delivering. Only this attempt's UPTODATE counts: one sent to an
     * earlier attempt (same leader, same epoch) says nothing of the ack of this one.
     */
    private void onUpToDate(long messageAttempt, long messageEpoch, long leaderCommitZxid) {
        if (messageAttempt != attempt || messageEpoch != epoch || !newLeaderAcked) {
            return;
        }
        if (stage != Stage.BROADCAST) {
            stage = Stage.BROADCAST;
            peer.emit(new Effect.RoleChanged(Role.FOLLOWING, leader, epoch, true, "UPTODATE: serving"));
        }
        advanceCommit(leaderCommitZxid);
    }

    /** FollowerProcessCOMMIT: cumulative; before UPTODATE it is only remembered. */
    private void onCommit(Commit commit) {
        if (commit.epoch() != epoch) {
            return;
        }
        if (stage == Stage.BROADCAST) {
            advanceCommit(commit.zxid());
        } else {
            commitZxid = Math.max(commitZxid, commit.zxid());
        }
    }

    private void onPing(Ping ping) {
        boolean thisAttempt = ping.attempt() == attempt && ping.epoch() == epoch;
        if (thisAttempt && ping.upToDate()) {
            onUpToDate(ping.attempt(), ping.epoch(), ping.commitZxid());
        } else if (thisAttempt && newLeaderAcked && stage != Stage.BROADCAST) {
            resendNewLeaderAck(); // not up to date for the leader: it has not counted our ack
        }
        if (ping.epoch() == epoch) {
            readRoundSeen = Math.max(readRoundSeen, ping.readRound());
        }
        if (newLeaderAcked && ping.epoch() == epoch) {
            peer.send(leader, new Ack(epoch, peer.lastPersistedZxid, readRoundSeen));
        } else {
            peer.send(leader, new Ack(ping.epoch(), Zxid.ZERO)); // alive, but vouching for nothing yet
        }
    }

    private void advanceCommit(long leaderCommitZxid) {
        commitZxid = Math.max(commitZxid, leaderCommitZxid);
        // Our whole log is a prefix of the leader's, so min(commit, last) is committed here too.
        peer.deliverUpTo(Math.min(commitZxid, peer.lastZxid()));
    }

    @Override
    public void persistedAdvanced() {
        maybeAckNewLeader();
        if (newLeaderAcked && peer.lastPersistedZxid > lastAckSentZxid) {
            lastAckSentZxid = peer.lastPersistedZxid;
            peer.send(leader, new Ack(epoch, peer.lastPersistedZxid, readRoundSeen));
        }
    }

    @Override
    public void checkInvariants() {
        if (!(epoch < 0 || peer.acceptedEpoch >= epoch)) {
            throw Checks.violation("following epoch %d with acceptedEpoch %d", epoch, peer.acceptedEpoch);
        }
        if (newLeaderAcked) {
            if (!(peer.currentEpoch == epoch)) {
                throw Checks.violation("acked NEWLEADER of epoch %d with currentEpoch %d", epoch, peer.currentEpoch);
            }
        }
        if (!(peer.lastDeliveredZxid <= Math.max(commitZxid, peer.history.snapshot().zxid()))) {
            throw Checks.violation("delivered %s beyond commit %s", Zxid.format(peer.lastDeliveredZxid), Zxid.format(commitZxid));
        }
    }
}
