package io.signalbox.simulation;

import io.signalbox.common.Zxid;
import io.signalbox.state.codec.EntryCodec;
import java.util.HashMap;
import java.util.Map;

/**
 * Every client command (client id and sequence) is applied at most once, however often it was
 * retried and through whichever node: checked on each entry the first time any replica applies it.
 */
final class AppliedOnceCheck {
    private final Map<String, Long> entryOfCommand = new HashMap<>();
    private final LongMap<Boolean> seen = new LongMap<>();

    /** @throws Violation if this entry carries a command some earlier entry already applied */
    void applied(long zxid, byte[] payload) {
        if (seen.putIfAbsent(zxid, Boolean.TRUE) != null || io.signalbox.consensus.ConfigurationEntry.isConfiguration(payload)) {
            return; // a configuration entry is the core's, not a client's command
        }
        EntryCodec.StampedEvents entry = EntryCodec.decodeEntry(zxid, payload);
        if (entry.clientId().isEmpty()) {
            return;
        }
        Long first = entryOfCommand.putIfAbsent(entry.clientId() + "#" + entry.clientSequence(), zxid);
        if (first != null) {
            throw new Violation("at-most-once", "command " + entry.clientSequence() + " of client " + entry.clientId()
                    + " applied twice: at " + Zxid.format(first) + " and at " + Zxid.format(zxid));
        }
    }
}
