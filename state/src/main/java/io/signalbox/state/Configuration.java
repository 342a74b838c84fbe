package io.signalbox.state;

import java.util.List;
import java.util.Map;

/** An immutable copy of the whole configuration as of {@code zxid}: services and servers by name. */
public record Configuration(long zxid, List<Service> services, Map<String, List<Server>> servers, List<Session> sessions,
                            long digest) {
    static Configuration of(long zxid, LbState state) {
        java.util.TreeMap<String, List<Server>> servers = new java.util.TreeMap<>();
        for (Service service : state.services()) {
            servers.put(service.name(), List.copyOf(state.servers(service.name())));
        }
        return new Configuration(zxid, List.copyOf(state.services()), java.util.Collections.unmodifiableMap(servers),
                List.copyOf(state.sessions()), state.digest());
    }

    static Configuration ofService(long zxid, LbState state, String name) {
        Service service = state.service(name);
        if (service == null) {
            return new Configuration(zxid, List.of(), Map.of(), List.of(), state.digest());
        }
        return new Configuration(zxid, List.of(service), Map.of(name, List.copyOf(state.servers(name))), List.of(), state.digest());
    }
}
