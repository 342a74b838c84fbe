package io.signalbox.consensus;

import io.signalbox.common.Zxid;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Who votes and who only observes, and the zxid from which that holds. Every quorum the core
 * counts (election, discovery, NEWLEADER, commit, read rounds, the leader's quorum timeout) is
 * a majority of {@link #voters()} of the membership in force on the counting node; ids that
 * are not voters never count, whatever they send.
 *
 * @param zxid      where this membership took effect (0: the bootstrap configuration)
 * @param voters    3 to {@link #VOTERS_MAX} positive ids, ascending (4 and 6 are the steps of a
 *                  one-voter-at-a-time change between 3, 5 and 7)
 * @param observers up to {@link #OBSERVERS_MAX} positive ids, ascending, none a voter
 */
public record Membership(long zxid, List<Integer> voters, List<Integer> observers) {
    public static final int OBSERVERS_MAX = 32;
    public static final int VOTERS_MIN = 3;
    public static final int VOTERS_MAX = ZabConfig.VOTERS_MAX;

    public Membership {
        voters = List.copyOf(new TreeSet<>(voters));
        observers = List.copyOf(new TreeSet<>(observers));
        if (!(voters.size() >= VOTERS_MIN && voters.size() <= VOTERS_MAX)) {
            throw Checks.badArgument("voters must number %d to %d, got %d: %s", VOTERS_MIN, VOTERS_MAX, voters.size(), voters);
        }
        if (!(observers.size() <= OBSERVERS_MAX)) {
            throw Checks.badArgument("at most %d observers, got %d", OBSERVERS_MAX, observers.size());
        }
        if (!(voters.stream().allMatch(id -> id > 0) && observers.stream().allMatch(id -> id > 0))) {
            throw Checks.badArgument("member ids must be positive: voters %s, observers %s", voters, observers);
        }
        for (int observer : observers) {
            if (!(!voters.contains(observer))) {
                throw Checks.badArgument("%d is both a voter and an observer", observer);
            }
        }
        if (!(zxid >= 0)) {
            throw Checks.badArgument("a membership's zxid must be >= 0, got %s", Zxid.format(zxid));
        }
    }

    /** The configuration a cluster starts with, before any change: in force from zxid 0. */
    public static Membership bootstrap(Collection<Integer> voters) {
        return new Membership(Zxid.ZERO, List.copyOf(voters), List.of());
    }

    public boolean isVoter(int id) {
        return voters.contains(id);
    }

    /** Every member: the voters, then the observers, each ascending. */
    public List<Integer> members() {
        List<Integer> members = new java.util.ArrayList<>(voters.size() + observers.size());
        members.addAll(voters);
        members.addAll(observers);
        return members;
    }

    public boolean isMember(int id) {
        return voters.contains(id) || observers.contains(id);
    }

    /** Do the voters among {@code ids} (distinct ids) make a majority of the voters? Non-voters do not count. */
    public boolean isQuorum(Collection<Integer> ids) {
        int voting = 0;
        for (int id : ids) {
            if (voters.contains(id)) {
                voting++;
            }
        }
        return Quorum.isQuorum(voting, voters.size());
    }

    /**
     * The highest zxid a majority of the voters hold durably, given each one's acknowledged
     * zxid; voters missing from {@code ackedByMember} count as zero, non-voters not at all.
     */
    public long commitPoint(Map<Integer, Long> ackedByMember) {
        List<Long> voting = new java.util.ArrayList<>(voters.size());
        for (Map.Entry<Integer, Long> acked : ackedByMember.entrySet()) {
            if (voters.contains(acked.getKey())) {
                voting.add(acked.getValue());
            }
        }
        return Quorum.commitPoint(voting, voters.size());
    }

    @Override
    public String toString() {
        return "Membership[voters=" + voters + (observers.isEmpty() ? "" : ", observers=" + observers) + ", since " + Zxid.format(zxid) + "]";
    }
}
