package io.signalbox.state;

/** A server's identity: its service and its name. Ordered by service, then name. */
public record ServerKey(String service, String name) implements Comparable<ServerKey> {
    @Override
    public int compareTo(ServerKey other) {
        int byService = service.compareTo(other.service);
        return byService != 0 ? byService : name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return service + "/" + name;
    }
}
