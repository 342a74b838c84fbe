package io.signalbox.state;

import java.util.List;

/** Read access to a configuration; what validation needs. Lists are sorted. */
public interface StateView {
    /** The service, or null. */
    Service service(String name);

    /** The server, or null. */
    Server server(ServerKey key);

    /** The session, or null. */
    Session session(long id);

    /** The name of the service listening on {@code port}, or null. */
    String serviceOnPort(int port);

    int serviceCount();

    int sessionCount();

    List<ServerKey> serversOf(String service);

    List<ServerKey> serversOfSession(long sessionId);

    /** The grants {@code identity} holds, sorted; empty when none. */
    java.util.SortedSet<Grant> grantsOf(String identity);

    /** How many identities hold {@code admin}. */
    int adminCount();

    /** How many identities hold any grant. */
    int identityCount();

    /** The id the next opened session gets. */
    long nextSessionId();
}
