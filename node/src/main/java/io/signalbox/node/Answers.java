package io.signalbox.node;

import io.signalbox.protocol.StreamEntry;
import io.signalbox.state.Configuration;
import io.signalbox.state.Server;
import io.signalbox.state.Service;
import io.signalbox.state.StateEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** What the request handlers answer with: stream and history entries, and the configuration a read sees. */
final class Answers {
    private Answers() {}

    /** One stream or history entry: the events {@code include} accepts. */
    static StreamEntry entry(long zxid, List<StateEvent> events, String identity, Predicate<StateEvent> include) {
        List<StateEvent> included = new ArrayList<>(events.size());
        for (StateEvent event : events) {
            if (include.test(event)) {
                included.add(event);
            }
        }
        return new StreamEntry(zxid, included, identity);
    }

    /** The whole configuration, or only one service and its servers (then without sessions); the digest is always the whole one's. */
    static Configuration configuration(Configuration configuration, String serviceFilter) {
        if (serviceFilter.isEmpty()) {
            return configuration;
        }
        List<Service> services = new ArrayList<>(1);
        Map<String, List<Server>> servers = new TreeMap<>();
        for (Service service : configuration.services()) {
            if (serviceFilter.equals(service.name())) {
                services.add(service);
                servers.put(service.name(), configuration.servers().getOrDefault(service.name(), List.of()));
            }
        }
        return new Configuration(configuration.zxid(), List.copyOf(services), java.util.Collections.unmodifiableMap(servers), List.of(),
                configuration.digest());
    }
}
