package io.signalbox.consensus.impl;

/**
 * The leader's record of one follower during one follow attempt (ZooKeeper's
 * LearnerHandler, without the thread). A new FOLLOWERINFO with another attempt id
 * replaces the handle.
 */
final class LearnerHandle {
    enum Stage { INFO_RECEIVED, EPOCH_ACKED, SYNCING, SYNCED, UP_TO_DATE }

    final int sid;
    final long attempt;
    final long acceptedEpoch;
    Stage stage = Stage.INFO_RECEIVED;
    boolean epochAckCounted;
    long ackCurrentEpoch;
    long ackLastZxid;
    /** The zxid sent in this follower's NEWLEADER. */
    long newLeaderZxid = -1;
    /** Highest zxid the follower has acknowledged as durable; meaningful from SYNCED on. */
    long ackedZxid;
    /** Highest zxid sent to this follower so far. */
    long sentUpToZxid = -1;
    long lastHeardTick;
    /** The highest read-index round this follower has echoed. */
    long readRoundAcked;
    long lastAckProgressTick;

    LearnerHandle(int sid, long attempt, long acceptedEpoch, long tick) {
        this.sid = sid;
        this.attempt = attempt;
        this.acceptedEpoch = acceptedEpoch;
        this.lastHeardTick = tick;
        this.lastAckProgressTick = tick;
    }

    boolean synced() {
        return stage == Stage.SYNCED || stage == Stage.UP_TO_DATE;
    }

    /** True once the sync stream has been sent, so new proposals may follow it. */
    boolean streaming() {
        return stage == Stage.SYNCING || synced();
    }
}
