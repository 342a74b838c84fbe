package io.signalbox.protocol;

import java.util.List;

/** Committed entries in zxid order; {@code zxid} is what the node had applied when it answered. */
public record HistoryResult(long zxid, List<StreamEntry> entries) implements ClientReply {
    public HistoryResult {
        entries = List.copyOf(entries);
    }
}
