package io.signalbox.consensus;

import io.signalbox.common.Zxid;
import java.util.List;

/**
 * What a node read back from its durable storage at start: both epochs, the newest
 * valid snapshot, and the log entries after it, in zxid order. Everything here is durable.
 */
public record RecoveredState(long acceptedEpoch, long currentEpoch, Snapshot snapshot, List<Txn> entries) {
    public static final RecoveredState EMPTY = new RecoveredState(0, 0, Snapshot.GENESIS, List.of());

    public RecoveredState {
        entries = List.copyOf(entries);
        if (!(acceptedEpoch >= currentEpoch)) {
            throw Checks.badArgument("acceptedEpoch %d < currentEpoch %d", acceptedEpoch, currentEpoch);
        }
        long previous = snapshot.zxid();
        for (Txn txn : entries) {
            if (!(txn.zxid() > previous)) {
                throw Checks.badArgument("recovered log out of order: %s after %s",
                    Zxid.format(txn.zxid()), Zxid.format(previous));
            }
            previous = txn.zxid();
        }
    }
}
