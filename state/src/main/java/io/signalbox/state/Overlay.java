package io.signalbox.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Changes on top of a base view that stays untouched: how a multi is validated command by
 * command (later commands see earlier ones) without copying the whole configuration. A
 * null value in a map is a removal.
 */
final class Overlay implements Store {
    private final StateView base;
    private final Map<String, Service> services = new HashMap<>();
    /**
     * Changed servers by service, then name. Hashed, not sorted: under steady load a leader's
     * overlay is never caught up, grows to every server written since, and is looked up for
     * every command it validates.
     */
    private final Map<String, Map<String, Server>> servers = new HashMap<>();
    private final Map<Long, Session> sessions = new HashMap<>();
    private final Map<String, java.util.SortedSet<Grant>> grants = new HashMap<>();
    private Long nextSessionId;

    Overlay(StateView base) {
        this.base = base;
    }

    @Override
    public Service service(String name) {
        return services.containsKey(name) ? services.get(name) : base.service(name);
    }

    @Override
    public Server server(ServerKey key) {
        Map<String, Server> byName = servers.get(key.service());
        return byName != null && byName.containsKey(key.name()) ? byName.get(key.name()) : base.server(key);
    }

    @Override
    public Session session(long id) {
        return sessions.containsKey(id) ? sessions.get(id) : base.session(id);
    }

    @Override
    public String serviceOnPort(int port) {
        for (Map.Entry<String, Service> changed : services.entrySet()) {
            if (changed.getValue() != null && changed.getValue().listenPort() == port) {
                return changed.getKey();
            }
        }
        String inBase = base.serviceOnPort(port);
        return inBase != null && !services.containsKey(inBase) ? inBase : null;
    }

    @Override
    public int serviceCount() {
        return countAfterChanges(base.serviceCount(), services, name -> base.service(name) != null);
    }

    @Override
    public int sessionCount() {
        return countAfterChanges(base.sessionCount(), sessions, id -> base.session(id) != null);
    }

    /** The base's count, less what the overlay removed from it, plus what it added anew. */
    private static <K, V> int countAfterChanges(int baseCount, Map<K, V> changes, java.util.function.Predicate<K> inBase) {
        int count = baseCount;
        for (Map.Entry<K, V> changed : changes.entrySet()) {
            boolean wasThere = inBase.test(changed.getKey());
            if (changed.getValue() == null && wasThere) {
                count--;
            } else if (changed.getValue() != null && !wasThere) {
                count++;
            }
        }
        return count;
    }

    @Override
    public List<ServerKey> serversOf(String service) {
        TreeSet<ServerKey> keys = new TreeSet<>(base.serversOf(service));
        for (Map.Entry<String, Server> changed : servers.getOrDefault(service, Map.of()).entrySet()) {
            ServerKey key = new ServerKey(service, changed.getKey());
            if (changed.getValue() == null) {
                keys.remove(key);
            } else {
                keys.add(key);
            }
        }
        return new ArrayList<>(keys);
    }

    @Override
    public List<ServerKey> serversOfSession(long sessionId) {
        TreeSet<ServerKey> keys = new TreeSet<>(base.serversOfSession(sessionId));
        servers.forEach((service, byName) -> byName.forEach((name, now) -> {
            ServerKey key = new ServerKey(service, name);
            if (now != null && now.sessionId() == sessionId) {
                keys.add(key);
            } else {
                keys.remove(key);
            }
        }));
        return new ArrayList<>(keys);
    }

    @Override
    public long nextSessionId() {
        return nextSessionId != null ? nextSessionId : base.nextSessionId();
    }

    @Override
    public void putService(Service service) {
        services.put(service.name(), service);
    }

    @Override
    public void removeService(String name) {
        for (ServerKey key : serversOf(name)) {
            removeServer(key);
        }
        services.put(name, null);
    }

    @Override
    public void putServer(Server server) {
        servers.computeIfAbsent(server.service(), service -> new HashMap<>()).put(server.name(), server);
    }

    @Override
    public void removeServer(ServerKey key) {
        servers.computeIfAbsent(key.service(), service -> new HashMap<>()).put(key.name(), null);
    }

    @Override
    public void putSession(Session session) {
        sessions.put(session.id(), session);
    }

    @Override
    public void removeSession(long id) {
        sessions.put(id, null);
    }

    @Override
    public java.util.SortedSet<Grant> grantsOf(String identity) {
        return grants.containsKey(identity) ? grants.get(identity) : base.grantsOf(identity);
    }

    @Override
    public int adminCount() {
        int count = base.adminCount();
        Grant admin = Grant.of(Role.ADMIN);
        for (Map.Entry<String, java.util.SortedSet<Grant>> changed : grants.entrySet()) {
            boolean was = base.grantsOf(changed.getKey()).contains(admin);
            boolean is = changed.getValue().contains(admin);
            count += (is ? 1 : 0) - (was ? 1 : 0);
        }
        return count;
    }

    @Override
    public int identityCount() {
        int count = base.identityCount();
        for (Map.Entry<String, java.util.SortedSet<Grant>> changed : grants.entrySet()) {
            boolean was = !base.grantsOf(changed.getKey()).isEmpty();
            boolean is = !changed.getValue().isEmpty();
            count += (is ? 1 : 0) - (was ? 1 : 0);
        }
        return count;
    }

    @Override
    public void putGrants(String identity, java.util.SortedSet<Grant> held) {
        grants.put(identity, java.util.Collections.unmodifiableSortedSet(new TreeSet<>(held)));
    }

    @Override
    public void setNextSessionId(long id) {
        nextSessionId = id;
    }
}
