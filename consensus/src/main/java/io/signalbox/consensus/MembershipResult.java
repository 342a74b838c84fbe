package io.signalbox.consensus;

import io.signalbox.common.Zxid;

/** The answer to {@link ZabCore#proposeMembership}: appended (in force from now on) or refused, naming the member and why. */
public sealed interface MembershipResult {
    /** Appended as {@code entry}; {@code membership} counts every quorum on this leader from now on. */
    record Accepted(Txn entry, Membership membership) implements MembershipResult {
        public long zxid() {
            return entry.zxid();
        }

        @Override
        public String toString() {
            return "Accepted[zxid=" + Zxid.format(entry.zxid()) + ", " + membership + "]";
        }
    }

    /** Nothing changed; {@code message} names the member and the reason. */
    record Refused(Reason reason, int member, String message) implements MembershipResult {
        @Override
        public String toString() {
            return "Refused[" + reason + ": " + message + "]";
        }
    }

    enum Reason {
        /** Not an established leader; {@code message} names the leader it follows, if any. */
        NOT_LEADER,
        /** The history holds a configuration entry not yet committed; {@code message} names its zxid. */
        CHANGE_IN_PROGRESS,
        /** The id is already a member. */
        MEMBER_IN_USE,
        /** The id is not a voter (or, for an observer's change, an observer) of the configuration in force. */
        UNKNOWN_MEMBER,
        /** The change would leave fewer than {@link Membership#VOTERS_MIN} voters. */
        TOO_FEW_VOTERS,
        /** The change would make more than {@link Membership#VOTERS_MAX} voters. */
        TOO_MANY_VOTERS,
        /** The change would make more than {@link Membership#OBSERVERS_MAX} observers. */
        TOO_MANY_OBSERVERS,
        /** The observer to promote is not synced with the leader or too far behind its commit point; {@code message} says by how much. */
        LAGGING,
        /** Too many proposals await commit; retry later. */
        BUSY,
        /** The entry (with the node layer's data) exceeds the txn payload limit. */
        TOO_LARGE
    }
}
