package io.signalbox.consensus.impl;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Bug;
import io.signalbox.consensus.Checks;
import io.signalbox.consensus.ProposeResult;
import io.signalbox.consensus.Txn;
import io.signalbox.consensus.message.ZabMessage.Ack;
import io.signalbox.consensus.message.ZabMessage.Commit;
import io.signalbox.consensus.message.ZabMessage.Ping;
import io.signalbox.consensus.message.ZabMessage.Proposal;
import java.util.ArrayList;
import java.util.List;

/**
 * Phase 3 on the leader (Zab.tla LeaderProcessRequest, LeaderProcessACK, LeaderBroadcastCOMMIT):
 * assign zxids, pipeline proposals, commit in order on a quorum of durable acks,
 * heartbeat, retransmit to followers whose acks stall, and step down without a quorum.
 */
final class LeaderBroadcast {
    private final LeaderRole leader;
    private final Peer peer;
    long commitZxid;
    private long nextHeartbeatTick;
    private final ReadRounds reads;

    LeaderBroadcast(LeaderRole leader) {
        this.leader = leader;
        this.peer = leader.peer;
        this.reads = new ReadRounds(leader);
    }

    /** A read-index request; false when this leader is not broadcasting or too many reads wait. */
    boolean readIndex(long readId) {
        return leader.stage == LeaderRole.Stage.BROADCAST && reads.request(readId, commitZxid);
    }

    ProposeResult propose(byte[] payload) {
        if (leader.stage != LeaderRole.Stage.BROADCAST) {
            return new ProposeResult.NotLeader(0);
        }
        if (payload.length > peer.config.txnPayloadBytesMax()) {
            return new ProposeResult.TooLarge(payload.length, peer.config.txnPayloadBytesMax());
        }
        int inflight = inflight();
        if (inflight >= peer.config.proposalsInflightMax()) {
            return new ProposeResult.Busy(inflight, peer.config.proposalsInflightMax());
        }
        long zxid = appendAndSend(payload);
        return zxid < 0 ? new ProposeResult.NotLeader(0) : new ProposeResult.Accepted(zxid);
    }

    /**
     * Appends {@code payload} with the next zxid of this epoch and streams it to the learners
     * that are caught up; -1 when the epoch's counter is exhausted (a new election starts).
     */
    long appendAndSend(byte[] payload) {
        long last = peer.lastZxid();
        long counter = Zxid.epoch(last) == leader.epoch ? Zxid.counter(last) + 1 : 1;
        if (counter > peer.config.zxidCounterMax()) {
            // ZOOKEEPER-1277: never wrap the counter; a new epoch starts it again.
            leader.transitions.lookForLeader("zxid counter of epoch " + leader.epoch + " exhausted at "
                    + Zxid.format(last) + ": forcing a new election");
            return -1;
        }
        Txn txn = new Txn(Zxid.of(leader.epoch, counter), payload);
        peer.append(List.of(txn));
        for (LearnerHandle handle : leader.learners.values()) {
            if (handle.streaming() && handle.sentUpToZxid == last) {
                peer.send(handle.sid, new Proposal(leader.epoch, last, List.of(txn)));
                handle.sentUpToZxid = txn.zxid();
            }
        }
        return txn.zxid();
    }

    int inflight() {
        long last = peer.lastZxid();
        if (Zxid.epoch(last) != leader.epoch) {
            return 0;
        }
        long committedCounter = Zxid.epoch(commitZxid) == leader.epoch ? Zxid.counter(commitZxid) : 0;
        return (int) (Zxid.counter(last) - committedCounter);
    }

    /** LeaderProcessACK: acks are cumulative and count only once the follower has acked NEWLEADER. */
    void onAck(int from, Ack ack) {
        LearnerHandle handle = leader.learners.get(from);
        if (handle == null || ack.epoch() != leader.epoch || !handle.synced()) {
            return;
        }
        if (!(ack.zxid() <= peer.lastZxid())) {
            throw Checks.violation("follower %d acked %s beyond leader's last %s",
                from, Zxid.format(ack.zxid()), Zxid.format(peer.lastZxid()));
        }
        if (ack.zxid() > handle.ackedZxid) {
            handle.ackedZxid = ack.zxid();
            handle.lastAckProgressTick = peer.tick;
            if (handle.sentUpToZxid < peer.lastZxid() && handle.sentUpToZxid <= handle.ackedZxid) {
                sendNextBatch(handle); // a follower catching up after a retransmit: keep it flowing
            }
        }
        tryCommit();
        if (ack.readRound() > handle.readRoundAcked) {
            handle.readRoundAcked = Math.min(ack.readRound(), reads.sentRound());
            reads.release();
        }
    }

    void persistedAdvanced() {
        tryCommit();
    }

    private void tryCommit() {
        if (leader.stage != LeaderRole.Stage.BROADCAST) {
            return;
        }
        long point;
        if (peer.bug(Bug.COMMIT_WITHOUT_QUORUM)) {
            point = peer.lastPersistedZxid;
        } else {
            java.util.Map<Integer, Long> acks = new java.util.HashMap<>();
            acks.put(peer.id(), peer.lastPersistedZxid);
            for (LearnerHandle handle : leader.learners.values()) {
                if (handle.synced()) {
                    acks.put(handle.sid, handle.ackedZxid);
                }
            }
            boolean oldQuorum = peer.bug(Bug.COMMIT_WITH_OLD_QUORUM) && leader.establishedWith != null;
            point = (oldQuorum ? leader.establishedWith : peer.membership()).commitPoint(acks);
        }
        if (point <= commitZxid) {
            return;
        }
        commitZxid = point;
        peer.deliverUpTo(commitZxid);
        for (LearnerHandle handle : leader.learners.values()) {
            if (handle.synced()) {
                peer.send(handle.sid, new Commit(leader.epoch, commitZxid));
            }
        }
        dropRemovedLearners();
    }

    /** Once a removal commits (the COMMIT above told the removed one), the leader stops serving it. */
    private void dropRemovedLearners() {
        io.signalbox.consensus.Membership inForce = peer.membership();
        if (commitZxid >= inForce.zxid()) {
            leader.learners.keySet().removeIf(sid -> !inForce.isMember(sid));
        }
    }

    void tick() {
        if (peer.tick >= nextHeartbeatTick) {
            nextHeartbeatTick = peer.tick + peer.config.heartbeatTicks();
            for (LearnerHandle handle : leader.learners.values()) {
                boolean upToDate = leader.stage == LeaderRole.Stage.BROADCAST && handle.synced();
                peer.send(handle.sid, new Ping(handle.attempt, Math.max(leader.epoch, 0), commitZxid, upToDate,
                        upToDate ? reads.sentRound() : 0));
            }
        }
        if (leader.stage != LeaderRole.Stage.BROADCAST) {
            return;
        }
        List<Integer> heard = leader.withSelf(List.of());
        List<Integer> compactedAway = new ArrayList<>();
        for (LearnerHandle handle : leader.learners.values()) {
            if (!handle.synced()) {
                continue;
            }
            if (peer.tick - handle.lastHeardTick <= peer.config.leaderQuorumTimeoutTicks()) {
                heard.add(handle.sid);
            }
            if (handle.ackedZxid < peer.lastZxid()
                    && peer.tick - handle.lastAckProgressTick >= peer.config.retransmitTicks()) {
                if (!peer.history.contains(handle.ackedZxid)) {
                    compactedAway.add(handle.sid);
                    continue;
                }
                handle.sentUpToZxid = handle.ackedZxid;
                handle.lastAckProgressTick = peer.tick;
                sendNextBatch(handle);
            }
        }
        // Their missing txns are in a snapshot now: dropping them makes them rejoin and get a SNAP.
        for (int sid : compactedAway) {
            leader.learners.remove(sid);
        }
        if (!peer.membership().isQuorum(heard)) {
            leader.transitions.lookForLeader("leader of epoch " + leader.epoch + " has not heard a quorum for "
                    + peer.config.leaderQuorumTimeoutTicks() + " ticks: stepping down");
        }
    }

    private void sendNextBatch(LearnerHandle handle) {
        long from = handle.sentUpToZxid;
        if (from >= peer.lastZxid() || !peer.history.contains(from)) {
            return;
        }
        List<Txn> batch = peer.history.after(from, peer.config.proposalTxnsMax(), peer.config.syncBatchBytesMax());
        if (!batch.isEmpty()) {
            peer.send(handle.sid, new Proposal(leader.epoch, from, batch));
            handle.sentUpToZxid = batch.get(batch.size() - 1).zxid();
        }
    }

    void checkInvariants() {
        reads.checkInvariants();
        if (leader.stage == LeaderRole.Stage.BROADCAST) {
            if (!(commitZxid >= leader.establishedZxid)) {
                throw Checks.violation("commit %s below established %s",
                    Zxid.format(commitZxid), Zxid.format(leader.establishedZxid));
            }
            if (!(commitZxid <= peer.lastZxid())) {
                throw Checks.violation("commit %s beyond last %s",
                    Zxid.format(commitZxid), Zxid.format(peer.lastZxid()));
            }
            if (!(peer.lastDeliveredZxid == commitZxid)) {
                throw Checks.violation("leader delivered %s but committed %s",
                    Zxid.format(peer.lastDeliveredZxid), Zxid.format(commitZxid));
            }
            if (!(inflight() <= peer.config.proposalsInflightMax())) {
                throw Checks.violation("%d proposals in flight, limit %d",
                    inflight(), peer.config.proposalsInflightMax());
            }
        }
    }
}
