package io.signalbox.consensus;

import java.util.Arrays;
import java.util.Collection;

/**
 * Quorum arithmetic as pure functions (etcd-io/raft's quorum/majority.go), table-tested.
 * Observers, when they come, simply do not appear in the collections passed here.
 */
public final class Quorum {
    private Quorum() {}

    /** The smallest majority of {@code voters}: 2 of 3, 3 of 5, 4 of 7. */
    public static int majority(int voters) {
        if (!(voters > 0)) {
            throw Checks.badArgument("voters must be > 0, got %d", voters);
        }
        return voters / 2 + 1;
    }

    public static boolean isQuorum(int count, int voters) {
        return count >= majority(voters);
    }

    /**
     * The highest zxid that at least a majority of voters hold durably, given one
     * acknowledged zxid per voter heard from (missing voters count as zero). Acks are
     * cumulative (a voter acking z holds the leader's log up to z), so this is the
     * commit point.
     */
    public static long commitPoint(Collection<Long> ackedZxids, int voters) {
        if (!(ackedZxids.size() <= voters)) {
            throw Checks.badArgument("%d acks for %d voters", ackedZxids.size(), voters);
        }
        long[] sorted = new long[voters];
        int i = 0;
        for (long zxid : ackedZxids) {
            sorted[i++] = zxid;
        }
        Arrays.sort(sorted);
        return sorted[voters - majority(voters)];
    }

    /** The epoch a new leader proposes: one more than every acceptedEpoch it has heard of (ZAB discovery). */
    public static long newEpoch(Collection<Long> acceptedEpochs) {
        if (!(!acceptedEpochs.isEmpty())) {
            throw Checks.badArgument("no accepted epochs to choose from");
        }
        long max = 0;
        for (long epoch : acceptedEpochs) {
            max = Math.max(max, epoch);
        }
        return max + 1;
    }

    /**
     * FLE's total order on votes: higher epoch wins, then higher zxid, then higher sid.
     * Returns true when (epochA, zxidA, sidA) beats (epochB, zxidB, sidB).
     */
    public static boolean voteBeats(long epochA, long zxidA, int sidA, long epochB, long zxidB, int sidB) {
        if (epochA != epochB) {
            return epochA > epochB;
        }
        if (zxidA != zxidB) {
            return zxidA > zxidB;
        }
        return sidA > sidB;
    }

    /** ZAB discovery: is a follower's history (currentEpoch, lastZxid) more recent than the leader's? */
    public static boolean historyMoreRecent(long epochA, long zxidA, long epochB, long zxidB) {
        return epochA > epochB || (epochA == epochB && zxidA > zxidB);
    }
}
