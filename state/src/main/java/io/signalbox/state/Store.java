package io.signalbox.state;

/** A configuration events can be applied to: the real state, or an overlay used to validate a multi. */
interface Store extends StateView {
    void putService(Service service);

    void removeService(String name);

    void putServer(Server server);

    void removeServer(ServerKey key);

    void putSession(Session session);

    void removeSession(long id);

    void setNextSessionId(long id);

    /** Replaces the grants of {@code identity}; an empty set removes it from the table. */
    void putGrants(String identity, java.util.SortedSet<Grant> grants);
}
