package io.signalbox.state;

/**
 * Folds events into a store. Total: an event about something that is not there changes
 * nothing, and never throws, so every replica ends in the same state from the same log.
 * Every entity touched takes the zxid of the log entry as its version.
 */
final class EventApplier {
    private EventApplier() {}

    static void apply(Store store, long zxid, StateEvent event) {
        if (event instanceof StateEvent.ServicePut e) {
            store.putService(e.service().withVersion(zxid));
        } else if (event instanceof StateEvent.ServiceRemoved e) {
            store.removeService(e.name()); // its servers go too, cascade or not: no orphans, ever
        } else if (event instanceof StateEvent.ServerRegistered e) {
            if (store.service(e.server().service()) != null) {
                store.putServer(e.server().withVersion(zxid));
            }
        } else if (event instanceof StateEvent.ServerWeightSet e) {
            Server server = store.server(e.server());
            if (server != null) {
                store.putServer(server.withWeight(e.weight(), zxid));
            }
        } else if (event instanceof StateEvent.ServerStateSet e) {
            Server server = store.server(e.server());
            if (server != null) {
                store.putServer(server.withState(e.state(), zxid));
            }
        } else if (event instanceof StateEvent.ServerDeregistered e) {
            store.removeServer(e.server());
        } else if (event instanceof StateEvent.SessionOpened e) {
            store.putSession(new Session(e.id(), e.timeoutMs(), zxid));
            store.setNextSessionId(Math.max(store.nextSessionId(), e.id() + 1));
        } else if (event instanceof StateEvent.SessionEnded e) {
            for (ServerKey key : store.serversOfSession(e.id())) {
                store.removeServer(key);
            }
            store.removeSession(e.id());
        } else if (event instanceof StateEvent.RoleGranted e) {
            java.util.TreeSet<Grant> grants = new java.util.TreeSet<>(store.grantsOf(e.identity()));
            grants.add(e.grant());
            store.putGrants(e.identity(), grants);
        } else if (event instanceof StateEvent.RoleRevoked e) {
            java.util.TreeSet<Grant> grants = new java.util.TreeSet<>(store.grantsOf(e.identity()));
            grants.remove(e.grant());
            store.putGrants(e.identity(), grants);
        }
    }
}
