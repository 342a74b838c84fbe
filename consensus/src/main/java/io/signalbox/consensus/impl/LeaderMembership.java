package io.signalbox.consensus.impl;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Bug;
import io.signalbox.consensus.ConfigurationEntry;
import io.signalbox.consensus.Membership;
import io.signalbox.consensus.MembershipChange;
import io.signalbox.consensus.MembershipResult;
import io.signalbox.consensus.MembershipResult.Reason;
import io.signalbox.consensus.MembershipResult.Refused;
import java.util.ArrayList;
import java.util.List;

/**
 * A configuration change on the leader: one voter at a time, only once established in its
 * epoch (its whole history committed), never while a configuration entry awaits commit. The
 * entry is in force from its append: the very next quorum (its own commit included) counts
 * the new voters.
 */
final class LeaderMembership {
    private final LeaderRole leader;
    private final Peer peer;

    LeaderMembership(LeaderRole leader) {
        this.leader = leader;
        this.peer = leader.peer;
    }

    MembershipResult propose(MembershipChange change, byte[] nodeBlob) {
        int member = change.member();
        if (peer.bug(Bug.CHANGE_BEFORE_ESTABLISHED) && leader.stage == LeaderRole.Stage.AWAIT_NEWLEADER_ACKS) {
            return change(change, nodeBlob); // the bug: no established epoch, no check for another epoch's pending change
        }
        if (leader.stage != LeaderRole.Stage.BROADCAST) {
            // Invariant 2: before establishment the history may hold another epoch's uncommitted change.
            return new Refused(Reason.NOT_LEADER, member, "leader " + peer.id() + " of epoch " + leader.epoch
                    + " is not established yet (stage " + leader.stage + "); " + change + " refused");
        }
        long pending = peer.history.configurationAbove(leader.broadcast.commitZxid);
        if (pending >= 0) {
            return new Refused(Reason.CHANGE_IN_PROGRESS, member, change + " refused: the configuration entry at "
                    + Zxid.format(pending) + " (" + peer.history.membershipAt(pending) + ") is not committed yet");
        }
        return change(change, nodeBlob);
    }

    /**
     * The change itself, once the leader may make one: one voter added, removed or promoted from
     * the observers, or one observer added or removed; 3 to 7 voters, up to 32 observers.
     */
    private MembershipResult change(MembershipChange change, byte[] nodeBlob) {
        int member = change.member();
        Membership current = peer.membership();
        List<Integer> voters = new ArrayList<>(current.voters());
        List<Integer> observers = new ArrayList<>(current.observers());
        switch (change.kind()) {
            case ADD_VOTER -> {
                if (current.isMember(member)) {
                    return new Refused(Reason.MEMBER_IN_USE, member, change + " refused: " + member + " is already a member of " + current);
                }
                if (!(voters.size() < Membership.VOTERS_MAX)) {
                    return new Refused(Reason.TOO_MANY_VOTERS, member, change + " refused: " + current + " already has "
                            + voters.size() + " voters, at most " + Membership.VOTERS_MAX);
                }
                voters.add(member);
            }
            case REMOVE_VOTER -> {
                if (!current.isVoter(member)) {
                    return new Refused(Reason.UNKNOWN_MEMBER, member, change + " refused: " + member + " is not a voter of " + current);
                }
                if (!(voters.size() > Membership.VOTERS_MIN)) {
                    return new Refused(Reason.TOO_FEW_VOTERS, member, change + " refused: it would leave "
                            + (voters.size() - 1) + " voters, at least " + Membership.VOTERS_MIN);
                }
                voters.remove(Integer.valueOf(member));
            }
            case ADD_OBSERVER -> {
                if (current.isMember(member)) {
                    return new Refused(Reason.MEMBER_IN_USE, member, change + " refused: " + member + " is already a member of " + current);
                }
                if (!(observers.size() < Membership.OBSERVERS_MAX)) {
                    return new Refused(Reason.TOO_MANY_OBSERVERS, member, change + " refused: " + current + " already has "
                            + observers.size() + " observers, at most " + Membership.OBSERVERS_MAX);
                }
                observers.add(member);
            }
            case REMOVE_OBSERVER -> {
                if (!current.observers().contains(member)) {
                    return new Refused(Reason.UNKNOWN_MEMBER, member, change + " refused: " + member + " is not an observer of " + current);
                }
                observers.remove(Integer.valueOf(member));
            }
            case PROMOTE_OBSERVER -> {
                MembershipResult refused = promotionRefused(change, current);
                if (refused != null) {
                    return refused;
                }
                observers.remove(Integer.valueOf(member));
                voters.add(member);
            }
        }
        int inflight = leader.broadcast.inflight();
        if (inflight >= peer.config.proposalsInflightMax()) {
            return new Refused(Reason.BUSY, member, change + " refused: " + inflight + " proposals await commit, limit "
                    + peer.config.proposalsInflightMax());
        }
        byte[] payload = ConfigurationEntry.encode(voters, observers, nodeBlob);
        if (!(payload.length <= peer.config.txnPayloadBytesMax())) {
            return new Refused(Reason.TOO_LARGE, member, change + " refused: the entry has " + payload.length
                    + " bytes, limit " + peer.config.txnPayloadBytesMax());
        }
        long zxid = leader.broadcast.appendAndSend(payload);
        if (zxid < 0) {
            return new Refused(Reason.NOT_LEADER, member, change + " refused: the epoch's zxids are exhausted; re-electing");
        }
        return new MembershipResult.Accepted(peer.history.get(zxid), peer.membership());
    }

    /**
     * Null when {@code change} may promote its observer: an observer, room for one more voter,
     * and caught up, that is synced with this leader, heard within the leader's quorum timeout
     * (a synced record outlives a crash), and behind its commit point by at most the proposals
     * that may be in flight. A lagging voter would be one the quorum waits for, or one
     * short of it, while it catches up (etcd's learners wait the same way).
     */
    private MembershipResult promotionRefused(MembershipChange change, Membership current) {
        int member = change.member();
        if (!current.observers().contains(member)) {
            return new Refused(Reason.UNKNOWN_MEMBER, member, change + " refused: " + member + " is not an observer of " + current);
        }
        if (!(current.voters().size() < Membership.VOTERS_MAX)) {
            return new Refused(Reason.TOO_MANY_VOTERS, member, change + " refused: " + current + " already has "
                    + current.voters().size() + " voters, at most " + Membership.VOTERS_MAX);
        }
        LearnerHandle handle = leader.learners.get(member);
        long committed = leader.broadcast.commitZxid;
        if (handle == null || !handle.synced()) {
            return new Refused(Reason.LAGGING, member, change + " refused: observer " + member + " is not synced with leader "
                    + peer.id() + " (" + (handle == null ? "not connected" : "stage " + handle.stage) + "); committed "
                    + Zxid.format(committed));
        }
        long silentTicks = peer.tick - handle.lastHeardTick;
        if (!(silentTicks <= peer.config.leaderQuorumTimeoutTicks())) {
            return new Refused(Reason.LAGGING, member, change + " refused: leader " + peer.id() + " has not heard observer "
                    + member + " for " + silentTicks + " ticks, at most " + peer.config.leaderQuorumTimeoutTicks());
        }
        long lag = lagTxns(handle.ackedZxid, committed);
        if (!(lag <= peer.config.proposalsInflightMax())) {
            return new Refused(Reason.LAGGING, member, change + " refused: observer " + member + " is " + lag
                    + " txns behind (acknowledged " + Zxid.format(handle.ackedZxid) + ", committed " + Zxid.format(committed)
                    + "), at most " + peer.config.proposalsInflightMax() + "; try again once it caught up");
        }
        return null;
    }

    /**
     * How many committed txns a synced learner that acknowledged {@code acked} lacks. Synced, it
     * holds the leader's history up to NEWLEADER, so from an earlier epoch it lacks this epoch's.
     */
    private static long lagTxns(long acked, long committed) {
        if (acked >= committed) {
            return 0;
        }
        return Zxid.epoch(acked) == Zxid.epoch(committed) ? Zxid.counter(committed) - Zxid.counter(acked) : Zxid.counter(committed);
    }
}
