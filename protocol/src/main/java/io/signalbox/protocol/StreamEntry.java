package io.signalbox.protocol;

import io.signalbox.state.StateEvent;
import java.util.List;

/** One committed log entry's events; a filtered stream sends an entry with none of its events empty, as a progress marker. */
public record StreamEntry(long zxid, List<StateEvent> events, String identity) implements ClientReply {
    public StreamEntry {
        events = List.copyOf(events);
        identity = identity == null ? "" : identity;
    }

    /** An entry whose cause is not known (written before entries carried identities). */
    public StreamEntry(long zxid, List<StateEvent> events) {
        this(zxid, events, "");
    }
}
