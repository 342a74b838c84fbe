package io.signalbox.consensus;

/**
 * One change of the configuration, proposed through {@link ZabCore#proposeMembership}: one
 * voter added or removed at a time, so any majority of the old voters and any majority of the
 * new ones intersect (Ongaro's single-server change, dissertation ch. 4).
 *
 * @param member the id added or removed (positive)
 */
public record MembershipChange(Kind kind, int member) {
    public enum Kind {
        ADD_VOTER, REMOVE_VOTER, ADD_OBSERVER, REMOVE_OBSERVER,
        /** An observer becomes a voter: refused while it lags the leader's commit point. */
        PROMOTE_OBSERVER
    }

    public MembershipChange {
        if (!(kind != null)) {
            throw Checks.badArgument("a membership change needs a kind, one of %s", java.util.Arrays.toString(Kind.values()));
        }
        if (!(member > 0)) {
            throw Checks.badArgument("member ids are positive, got %d", member);
        }
    }

    public static MembershipChange addVoter(int member) {
        return new MembershipChange(Kind.ADD_VOTER, member);
    }

    public static MembershipChange removeVoter(int member) {
        return new MembershipChange(Kind.REMOVE_VOTER, member);
    }

    public static MembershipChange addObserver(int member) {
        return new MembershipChange(Kind.ADD_OBSERVER, member);
    }

    public static MembershipChange removeObserver(int member) {
        return new MembershipChange(Kind.REMOVE_OBSERVER, member);
    }

    public static MembershipChange promoteObserver(int member) {
        return new MembershipChange(Kind.PROMOTE_OBSERVER, member);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " " + member;
    }
}
