package io.signalbox.consensus.impl;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Quorum;

/** A vote of Fast Leader Election: the proposed leader, its last zxid and its currentEpoch, in an election round. */
record Vote(long round, int leader, long zxid, long epoch) {
    boolean beats(Vote other) {
        return Quorum.voteBeats(epoch, zxid, leader, other.epoch, other.zxid, other.leader);
    }

    boolean sameCandidate(Vote other) {
        return leader == other.leader && zxid == other.zxid && epoch == other.epoch;
    }

    @Override
    public String toString() {
        return "vote(round=" + round + ", leader=" + leader + ", zxid=" + Zxid.format(zxid) + ", epoch=" + epoch + ")";
    }
}
