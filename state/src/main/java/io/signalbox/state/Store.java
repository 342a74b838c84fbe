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
}
