package io.signalbox.protocol;

import io.signalbox.state.Configuration;
import java.util.Objects;

/** The first frame of a stream that starts before the node's retained history: the configuration, then entries after it. */
public record StreamSnapshot(Configuration configuration) implements ClientReply {
    public StreamSnapshot {
        Objects.requireNonNull(configuration, "configuration");
    }

    @Override
    public long zxid() {
        return configuration.zxid();
    }
}
