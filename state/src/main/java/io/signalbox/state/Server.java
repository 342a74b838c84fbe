package io.signalbox.state;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A backend server of a service. {@code sessionId} is the session that registered it when
 * it is ephemeral (0 otherwise): when that session ends, the server is removed.
 */
public record Server(String service, String name, IpAddress address, int port, int weight, ServerState state,
                     boolean backup, SortedMap<String, String> labels, long sessionId, long version) {
    public Server {
        labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }

    public ServerKey key() {
        return new ServerKey(service, name);
    }

    public Server withWeight(int newWeight, long newVersion) {
        return new Server(service, name, address, port, newWeight, state, backup, labels, sessionId, newVersion);
    }

    public Server withState(ServerState newState, long newVersion) {
        return new Server(service, name, address, port, weight, newState, backup, labels, sessionId, newVersion);
    }

    public Server withVersion(long newVersion) {
        return new Server(service, name, address, port, weight, state, backup, labels, sessionId, newVersion);
    }
}
