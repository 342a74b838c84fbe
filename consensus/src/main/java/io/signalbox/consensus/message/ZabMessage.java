package io.signalbox.consensus.message;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Role;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import java.util.List;

/**
 * Every message two ZAB peers exchange, grouped by phase. The names are those of
 * ZooKeeper's packets and of the actions in Zab.tla. Records only: codecs at the
 * edges turn them into protobuf frames.
 */
public sealed interface ZabMessage {

    // ---- Phase 0: Fast Leader Election ----

    /**
     * A vote, with the sender's election round and its own state (LOOKING, or FOLLOWING/LEADING
     * if it already decided), and the zxid of the sender's configuration in force.
     */
    record Notification(long round, Role senderState, int proposedLeader, long proposedZxid, long proposedEpoch,
                        long configurationZxid) implements ZabMessage {
        /** From a node still on the bootstrap configuration. */
        public Notification(long round, Role senderState, int proposedLeader, long proposedZxid, long proposedEpoch) {
            this(round, senderState, proposedLeader, proposedZxid, proposedEpoch, Zxid.ZERO);
        }

        @Override
        public String toString() {
            return "Notification[round=" + round + ", " + senderState + ", leader=" + proposedLeader
                    + ", zxid=" + Zxid.format(proposedZxid) + ", epoch=" + proposedEpoch
                    + (configurationZxid == Zxid.ZERO ? "" : ", configuration=" + Zxid.format(configurationZxid)) + "]";
        }
    }

    // ---- Phase 1: discovery ----

    /** Follower to prospective leader; {@code attempt} names this follow attempt so stale replies can be told apart. */
    record FollowerInfo(long attempt, long acceptedEpoch, long lastZxid) implements ZabMessage {
        @Override
        public String toString() {
            return "FollowerInfo[accepted=" + acceptedEpoch + ", last=" + Zxid.format(lastZxid) + "]";
        }
    }

    record LeaderInfo(long attempt, long newEpoch) implements ZabMessage {
        @Override
        public String toString() {
            return "LeaderInfo[newEpoch=" + newEpoch + "]";
        }
    }

    /** {@code counted} is false when the follower had already accepted this epoch before (ZooKeeper sends -1). */
    record AckEpoch(long attempt, long epoch, boolean counted, long currentEpoch, long lastZxid) implements ZabMessage {
        @Override
        public String toString() {
            return "AckEpoch[epoch=" + epoch + ", counted=" + counted + ", current=" + currentEpoch
                    + ", last=" + Zxid.format(lastZxid) + "]";
        }
    }

    // ---- Phase 2: synchronization ----

    /** DIFF: your history up to {@code baseZxid} is mine; the txns after it follow as proposals. */
    record SyncDiff(long attempt, long epoch, long baseZxid) implements ZabMessage {
        @Override
        public String toString() {
            return "SyncDiff[epoch=" + epoch + ", base=" + Zxid.format(baseZxid) + "]";
        }
    }

    /** TRUNC: drop everything after {@code truncateAfterZxid}; the txns after it follow. */
    record SyncTrunc(long attempt, long epoch, long truncateAfterZxid) implements ZabMessage {
        @Override
        public String toString() {
            return "SyncTrunc[epoch=" + epoch + ", after=" + Zxid.format(truncateAfterZxid) + "]";
        }
    }

    /** SNAP: replace your state with this snapshot; the txns after it follow. */
    record SyncSnap(long attempt, long epoch, Snapshot snapshot) implements ZabMessage {
        @Override
        public String toString() {
            return "SyncSnap[epoch=" + epoch + ", " + snapshot + "]";
        }
    }

    /**
     * Phase 2's messages after the header name the follow attempt too: the leader's epoch stays
     * the same across a follower's attempts, so a late message of an earlier attempt must not
     * complete (or claim to complete) this one.
     */
    record NewLeader(long attempt, long epoch, long zxid) implements ZabMessage {
        @Override
        public String toString() {
            return "NewLeader[epoch=" + epoch + ", zxid=" + Zxid.format(zxid) + "]";
        }
    }

    /** The follower holds the leader's history up to {@code zxid} durably and has adopted {@code epoch}. */
    record AckNewLeader(long attempt, long epoch, long zxid) implements ZabMessage {
        @Override
        public String toString() {
            return "AckNewLeader[epoch=" + epoch + ", zxid=" + Zxid.format(zxid) + "]";
        }
    }

    record UpToDate(long attempt, long epoch, long commitZxid) implements ZabMessage {
        @Override
        public String toString() {
            return "UpToDate[epoch=" + epoch + ", commit=" + Zxid.format(commitZxid) + "]";
        }
    }

    // ---- Phase 3: broadcast ----

    /** One or more consecutive txns of the leader's log; {@code prevZxid} is the entry just before the first. */
    record Proposal(long epoch, long prevZxid, List<Txn> txns) implements ZabMessage {
        public Proposal {
            txns = List.copyOf(txns);
        }

        @Override
        public String toString() {
            return "Proposal[epoch=" + epoch + ", prev=" + Zxid.format(prevZxid) + ", "
                    + (txns.isEmpty() ? "none" : Zxid.format(txns.get(0).zxid()) + ".." + Zxid.format(txns.get(txns.size() - 1).zxid())) + "]";
        }
    }

    /**
     * Cumulative: the follower holds the leader's log up to {@code zxid} durably.
     * {@code readRound} echoes the highest read round of this epoch's pings it has received.
     */
    record Ack(long epoch, long zxid, long readRound) implements ZabMessage {
        public Ack(long epoch, long zxid) {
            this(epoch, zxid, 0);
        }

        @Override
        public String toString() {
            return "Ack[epoch=" + epoch + ", zxid=" + Zxid.format(zxid) + (readRound == 0 ? "" : ", read=" + readRound) + "]";
        }
    }

    /** Cumulative: everything up to {@code zxid} is committed. It does not stand in for UPTODATE: it names no attempt. */
    record Commit(long epoch, long zxid) implements ZabMessage {
        @Override
        public String toString() {
            return "Commit[epoch=" + epoch + ", zxid=" + Zxid.format(zxid) + "]";
        }
    }

    /**
     * Heartbeat to one follow attempt; repeats the commit point and, once the follower may
     * serve, UPTODATE (without it, a follower that acked NEWLEADER knows its ack was lost).
     * {@code readRound} is the leader's latest read-index round: an ack echoing it proves the
     * follower still followed this leader after the reads of that round arrived.
     */
    record Ping(long attempt, long epoch, long commitZxid, boolean upToDate, long readRound) implements ZabMessage {
        @Override
        public String toString() {
            return "Ping[epoch=" + epoch + ", commit=" + Zxid.format(commitZxid) + (upToDate ? ", uptodate" : "")
                    + (readRound == 0 ? "" : ", read=" + readRound) + "]";
        }
    }
}
