package io.signalbox.consensus;

import io.signalbox.common.Zxid;

/** The answer to {@link ZabCore#propose(byte[])}: appended with a zxid, or refused with the reason. */
public sealed interface ProposeResult {
    record Accepted(long zxid) implements ProposeResult {
        @Override
        public String toString() {
            return "Accepted[zxid=" + Zxid.format(zxid) + "]";
        }
    }

    /** This node is not an established leader; {@code leaderHint} is the leader it follows, or 0. */
    record NotLeader(int leaderHint) implements ProposeResult {}

    /** Too many proposals await commit ({@code proposalsInflightMax}); retry later. */
    record Busy(int inflight, int inflightMax) implements ProposeResult {}

    record TooLarge(int payloadBytes, int payloadBytesMax) implements ProposeResult {}
}
