package io.signalbox.protocol;

import java.util.List;

/** The event stream after {@code fromZxid}; with {@code services}, only their events (others come as empty entries). */
public record SubscribeRequest(long fromZxid, List<String> services) implements ClientRequest {
    public SubscribeRequest {
        services = List.copyOf(services);
    }
}
