package io.signalbox.protocol;

import io.signalbox.state.Configuration;
import java.util.Objects;

/** The configuration read, as of its zxid; filtered to one service when the read named one (then without sessions). */
public record ReadResult(Configuration configuration) implements ClientReply {
    public ReadResult {
        Objects.requireNonNull(configuration, "configuration");
    }

    @Override
    public long zxid() {
        return configuration.zxid();
    }
}
