package io.signalbox.protocol;

import io.signalbox.state.Configuration;
import io.signalbox.state.Grant;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;

/** The configuration read, as of its zxid; filtered to one service when the read named one (then without sessions). */
public record ReadResult(Configuration configuration, SortedMap<String, SortedSet<Grant>> grants) implements ClientReply {
    public ReadResult {
        Objects.requireNonNull(configuration, "configuration");
        grants = grants == null ? Collections.emptySortedMap() : grants;
    }

    /** Without the access table: what reads of one service, or of a past zxid, answer. */
    public ReadResult(Configuration configuration) {
        this(configuration, null);
    }

    @Override
    public long zxid() {
        return configuration.zxid();
    }
}
