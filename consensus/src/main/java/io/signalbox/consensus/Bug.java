package io.signalbox.consensus;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Deliberate protocol bugs, each re-introducing a real ZooKeeper defect, so the
 * simulator can prove that its checks find them. They are reachable only through
 * {@link ZabCore#withBugsForSimulation}; the server never passes any.
 */
public enum Bug {
    /** ZOOKEEPER-3911: a follower ACKs NEWLEADER before the synced txns are durable. */
    ACK_NEWLEADER_BEFORE_PERSIST("ack-newleader-before-persist"),
    /** ZOOKEEPER-4643: a follower writes currentEpoch before the synced txns are durable. */
    EPOCH_BEFORE_TXNS("epoch-before-txns"),
    /** ZOOKEEPER-335: epochs are not persisted; after a restart they are derived from the last zxid. */
    NO_ACCEPTED_EPOCH("no-accepted-epoch"),
    /** A leader commits on its own durable append, without a quorum. */
    COMMIT_WITHOUT_QUORUM("commit-without-quorum"),
    /** ZOOKEEPER-1154: a follower with an extra suffix from an old epoch gets DIFF instead of TRUNC. */
    SKIP_TRUNCATE("skip-truncate"),
    /** ZOOKEEPER-3642: a learner keeps a SNAP only in memory, yet reports it as durable. */
    SNAP_NOT_DURABLE("snap-not-durable");

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
        throw new IllegalArgumentException("unknown bug switch '" + name + "'; allowed: "
                + Arrays.stream(values()).map(Bug::switchName).collect(Collectors.joining(", ")));
    }
}
