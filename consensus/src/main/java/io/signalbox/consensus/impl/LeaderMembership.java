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

    /** The change itself, once the leader may make one: one voter added or removed, 3 to 7 voters, within the limits. */
    private MembershipResult change(MembershipChange change, byte[] nodeBlob) {
        int member = change.member();
        Membership current = peer.membership();
        List<Integer> voters = new ArrayList<>(current.voters());
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
            default -> {
                return new Refused(Reason.UNSUPPORTED, member, change + " refused: observers are not supported yet");
            }
        }
        int inflight = leader.broadcast.inflight();
        if (inflight >= peer.config.proposalsInflightMax()) {
            return new Refused(Reason.BUSY, member, change + " refused: " + inflight + " proposals await commit, limit "
                    + peer.config.proposalsInflightMax());
        }
        byte[] payload = ConfigurationEntry.encode(voters, current.observers(), nodeBlob);
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
}
