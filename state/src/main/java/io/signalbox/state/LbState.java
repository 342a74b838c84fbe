package io.signalbox.state;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The configuration itself: services, their servers, sessions, with indexes by listen
 * port and by owning session, and a digest kept up to date on every change (a sum of
 * per-entity hashes, so it does not depend on the order changes arrived in).
 */
final class LbState implements Store {
    private final TreeMap<String, Service> services = new TreeMap<>();
    /** Each server with its hash: a server is replaced on every change to it, and hashing the old one again cost as much as the new. */
    private final TreeMap<String, TreeMap<String, HashedServer>> servers = new TreeMap<>();
    private final TreeMap<Long, Session> sessions = new TreeMap<>();
    private final Map<Long, TreeSet<ServerKey>> serversBySession = new HashMap<>();
    private final Map<Integer, String> serviceByPort = new HashMap<>();
    private final TreeMap<String, java.util.SortedSet<Grant>> grants = new TreeMap<>();
    private int adminCount;
    private long nextSessionId = 1;
    private long digest;
    private int serverCount;

    @Override
    public Service service(String name) {
        return services.get(name);
    }

    private record HashedServer(Server server, long hash) {
        HashedServer(Server server) {
            this(server, Digests.of(server));
        }
    }

    @Override
    public Server server(ServerKey key) {
        TreeMap<String, HashedServer> byName = servers.get(key.service());
        HashedServer held = byName == null ? null : byName.get(key.name());
        return held == null ? null : held.server();
    }

    @Override
    public Session session(long id) {
        return sessions.get(id);
    }

    @Override
    public String serviceOnPort(int port) {
        return serviceByPort.get(port);
    }

    @Override
    public int serviceCount() {
        return services.size();
    }

    @Override
    public int sessionCount() {
        return sessions.size();
    }

    public int serverCount() {
        return serverCount;
    }

    @Override
    public List<ServerKey> serversOf(String service) {
        TreeMap<String, HashedServer> byName = servers.get(service);
        if (byName == null) {
            return List.of();
        }
        List<ServerKey> keys = new ArrayList<>(byName.size());
        for (String name : byName.keySet()) {
            keys.add(new ServerKey(service, name));
        }
        return keys;
    }

    @Override
    public List<ServerKey> serversOfSession(long sessionId) {
        TreeSet<ServerKey> owned = serversBySession.get(sessionId);
        return owned == null ? List.of() : new ArrayList<>(owned);
    }

    @Override
    public long nextSessionId() {
        return nextSessionId;
    }

    /** All services, by name. */
    public Collection<Service> services() {
        return Collections.unmodifiableCollection(services.values());
    }

    /** The servers of one service, by name. */
    public Collection<Server> servers(String service) {
        TreeMap<String, HashedServer> byName = servers.get(service);
        if (byName == null) {
            return List.of();
        }
        return new java.util.AbstractCollection<>() {
            @Override
            public java.util.Iterator<Server> iterator() {
                java.util.Iterator<HashedServer> held = byName.values().iterator();
                return new java.util.Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return held.hasNext();
                    }

                    @Override
                    public Server next() {
                        return held.next().server();
                    }
                };
            }

            @Override
            public int size() {
                return byName.size();
            }
        };
    }

    public Collection<Session> sessions() {
        return Collections.unmodifiableCollection(sessions.values());
    }

    /** Order-independent digest of services, servers, sessions (versions included) and grants. */
    public long digest() {
        return digest;
    }

    @Override
    public void putService(Service service) {
        Service previous = services.put(service.name(), service);
        if (previous != null) {
            digest -= Digests.of(previous);
            serviceByPort.remove(previous.listenPort());
        }
        serviceByPort.put(service.listenPort(), service.name());
        digest += Digests.of(service);
    }

    @Override
    public void removeService(String name) {
        for (ServerKey key : serversOf(name)) {
            removeServer(key);
        }
        servers.remove(name);
        Service removed = services.remove(name);
        if (removed != null) {
            digest -= Digests.of(removed);
            serviceByPort.remove(removed.listenPort());
        }
    }

    @Override
    public void putServer(Server server) {
        HashedServer held = new HashedServer(server);
        HashedServer previous = servers.computeIfAbsent(server.service(), s -> new TreeMap<>()).put(server.name(), held);
        if (previous != null) {
            digest -= previous.hash();
            unindex(previous.server());
        } else {
            serverCount++;
        }
        if (server.sessionId() != 0) {
            serversBySession.computeIfAbsent(server.sessionId(), id -> new TreeSet<>()).add(server.key());
        }
        digest += held.hash();
    }

    @Override
    public void removeServer(ServerKey key) {
        TreeMap<String, HashedServer> byName = servers.get(key.service());
        HashedServer removed = byName == null ? null : byName.remove(key.name());
        if (removed != null) {
            serverCount--;
            digest -= removed.hash();
            unindex(removed.server());
        }
    }

    private void unindex(Server server) {
        if (server.sessionId() != 0) {
            TreeSet<ServerKey> owned = serversBySession.get(server.sessionId());
            if (owned != null) {
                owned.remove(server.key());
                if (owned.isEmpty()) {
                    serversBySession.remove(server.sessionId());
                }
            }
        }
    }

    @Override
    public void putSession(Session session) {
        Session previous = sessions.put(session.id(), session);
        if (previous != null) {
            digest -= Digests.of(previous);
        }
        digest += Digests.of(session);
    }

    @Override
    public void removeSession(long id) {
        Session removed = sessions.remove(id);
        if (removed != null) {
            digest -= Digests.of(removed);
        }
    }

    @Override
    public java.util.SortedSet<Grant> grantsOf(String identity) {
        java.util.SortedSet<Grant> held = grants.get(identity);
        return held == null ? Collections.emptySortedSet() : Collections.unmodifiableSortedSet(held);
    }

    @Override
    public int adminCount() {
        return adminCount;
    }

    @Override
    public int identityCount() {
        return grants.size();
    }

    /** Every identity with its grants, by identity. */
    public java.util.SortedMap<String, java.util.SortedSet<Grant>> grants() {
        return Collections.unmodifiableSortedMap(grants);
    }

    @Override
    public void putGrants(String identity, java.util.SortedSet<Grant> held) {
        java.util.SortedSet<Grant> previous = grants.remove(identity);
        if (previous != null) {
            for (Grant grant : previous) {
                digest -= Digests.of(identity, grant);
            }
            adminCount -= previous.contains(Grant.of(Role.ADMIN)) ? 1 : 0;
        }
        if (held.isEmpty()) {
            return;
        }
        grants.put(identity, new TreeSet<>(held));
        for (Grant grant : held) {
            digest += Digests.of(identity, grant);
        }
        adminCount += held.contains(Grant.of(Role.ADMIN)) ? 1 : 0;
    }

    @Override
    public void setNextSessionId(long id) {
        nextSessionId = id;
    }

    /**
     * An independent copy: changes to either leave the other as it was. Entities are immutable,
     * so both share them; only the maps and sets that hold them are copied.
     */
    LbState copy() {
        LbState copy = new LbState();
        copy.services.putAll(services);
        servers.forEach((service, byName) -> copy.servers.put(service, new TreeMap<>(byName)));
        copy.sessions.putAll(sessions);
        serversBySession.forEach((id, owned) -> copy.serversBySession.put(id, new TreeSet<>(owned)));
        copy.serviceByPort.putAll(serviceByPort);
        grants.forEach((identity, held) -> copy.grants.put(identity, new TreeSet<>(held)));
        copy.adminCount = adminCount;
        copy.nextSessionId = nextSessionId;
        copy.digest = digest;
        copy.serverCount = serverCount;
        return copy;
    }
}
