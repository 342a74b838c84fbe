package io.signalbox.consensus;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Deliberate bugs, each re-introducing a real defect, so the simulator can prove that its
 * checks find them: protocol bugs of ZooKeeper in the core (reachable only through
 * {@link ZabCore#withBugsForSimulation}), and bugs of the node's request layer and its
 * clients that the chaos harness found, which the simulator switches on in the node it hosts
 * and in its simulated clients. The server never passes any.
 */
public enum Bug {
    /**
     * ZOOKEEPER-3911: a follower ACKs NEWLEADER before the synced txns are durable. The simulator
     * writes epochs apart from the log under it, as ZooKeeper does.
     */
    ACK_NEWLEADER_BEFORE_PERSIST("ack-newleader-before-persist"),
    /**
     * ZOOKEEPER-4643: a follower writes currentEpoch before the synced txns are durable. Harmless
     * with one writer that makes writes durable in order, as Signalbox's storage does; the
     * simulator reproduces it by writing epochs apart from the log, as ZooKeeper does (its
     * learner thread writes the epoch files while SyncRequestProcessor flushes the txn log).
     */
    EPOCH_BEFORE_TXNS("epoch-before-txns"),
    /**
     * ZOOKEEPER-4646: the fix for 3911 still logged the synced txns asynchronously: the follower
     * writes currentEpoch and acks NEWLEADER once that write completes, while the txns are still
     * on their way to disk. The simulator hosts it as ZooKeeper ran it: the epoch is written and
     * reported apart from the log, ahead of the txns queued before it.
     */
    ASYNC_LOG_AFTER_NEWLEADER("async-log-after-newleader"),
    /**
     * ZOOKEEPER-2845: a TRUNC is applied to the log on disk but not in memory (ZooKeeper kept its
     * in-memory database across the election): the follower's history keeps the truncated txns.
     */
    KEEP_TRUNCATED_IN_MEMORY("keep-truncated-in-memory"),
    /** ZOOKEEPER-335: epochs are not persisted; after a restart they are derived from the last zxid. */
    NO_ACCEPTED_EPOCH("no-accepted-epoch"),
    /** A leader commits on its own durable append, without a quorum. */
    COMMIT_WITHOUT_QUORUM("commit-without-quorum"),
    /** ZOOKEEPER-1154: a follower with an extra suffix from an old epoch gets DIFF instead of TRUNC. */
    SKIP_TRUNCATE("skip-truncate"),
    /** ZOOKEEPER-3642: a learner keeps a SNAP only in memory, yet reports it as durable. */
    SNAP_NOT_DURABLE("snap-not-durable"),
    /**
     * The single-server-change bug of Raft (Ongaro, raft-dev, 2015): a new leader changes the
     * configuration before it has committed anything in its epoch. Here: the leader accepts a
     * change as soon as it has started syncing its followers, and skips the check for a change
     * still pending, so its change may follow another epoch's uncommitted one.
     */
    CHANGE_BEFORE_ESTABLISHED("change-before-established"),
    /**
     * After a change, the leader keeps counting its commit point with the configuration it was
     * established with: the very entry that adds a voter commits on the old voters' majority,
     * and once two changes have passed (3 to 5 voters) the old majority and the new one need
     * not even meet.
     */
    COMMIT_WITH_OLD_QUORUM("commit-with-old-quorum"),
    /** Found by the chaos harness: clients share one client id, so the cluster answers one's command as another's retry. */
    SHARED_CLIENT_ID("shared-client-id"),
    /** Found by the chaos harness: a leader refuses (CONFLICT) without a quorum round, so a deposed leader refuses wrongly. */
    REFUSAL_WITHOUT_QUORUM("refusal-without-quorum"),
    /** ZOOKEEPER-1675: LINEARIZABLE reads served by the leader without a quorum round: a deposed leader reads stale. */
    READ_WITHOUT_QUORUM("read-without-quorum");

    /** True for the bugs of the request layer and the clients, which the core itself ignores. */
    public boolean requestLayer() {
        return this == SHARED_CLIENT_ID || this == REFUSAL_WITHOUT_QUORUM || this == READ_WITHOUT_QUORUM;
    }

    private final String switchName;

    Bug(String switchName) {
        this.switchName = switchName;
    }

    /** The name used on the command line: {@code --bug ack-newleader-before-persist}. */
    public String switchName() {
        return switchName;
    }

    public static Bug fromSwitchName(String name) {
        for (Bug bug : values()) {
            if (bug.switchName.equals(name)) {
                return bug;
            }
        }
        throw new IllegalArgumentException("unknown bug switch '" + name + "'; allowed: " + String.join(", ", switchNames()));
    }

    /** Every switch name, in declaration order: for errors, help and completion. */
    public static List<String> switchNames() {
        return Arrays.stream(values()).map(Bug::switchName).toList();
    }

    /**
     * The switches named, in a set.
     *
     * @throws IllegalArgumentException for the first unknown name, listing the allowed ones
     */
    public static Set<Bug> fromSwitchNames(Collection<String> names) {
        Set<Bug> bugs = EnumSet.noneOf(Bug.class);
        for (String name : names) {
            bugs.add(fromSwitchName(name));
        }
        return bugs;
    }
}
