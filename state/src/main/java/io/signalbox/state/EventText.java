package io.signalbox.state;

/** Events in words, as logs, the status page and {@code ctl watch} show them. */
public final class EventText {
    private EventText() {}

    /** One event in words, as the status page and {@code ctl watch} show it. */
    public static String describe(StateEvent event) {
        if (event instanceof StateEvent.ServicePut e) {
            return "service " + e.service().name() + " put (" + e.service().mode() + " port " + e.service().listenPort()
                    + " " + e.service().balance() + ")";
        } else if (event instanceof StateEvent.ServiceRemoved e) {
            return "service " + e.name() + " removed" + (e.cascade() ? " with its servers" : "");
        } else if (event instanceof StateEvent.ServerRegistered e) {
            Server s = e.server();
            return "server " + s.service() + "/" + s.name() + " registered at " + s.address() + ":" + s.port() + " weight "
                    + s.weight() + " " + s.state() + (s.sessionId() != 0 ? " (session " + s.sessionId() + ")" : "");
        } else if (event instanceof StateEvent.ServerWeightSet e) {
            return "server " + e.server().service() + "/" + e.server().name() + " weight " + e.weight();
        } else if (event instanceof StateEvent.ServerStateSet e) {
            return "server " + e.server().service() + "/" + e.server().name() + " " + e.state();
        } else if (event instanceof StateEvent.ServerDeregistered e) {
            return "server " + e.server().service() + "/" + e.server().name() + " deregistered";
        } else if (event instanceof StateEvent.SessionOpened e) {
            return "session " + e.id() + " opened (timeout " + e.timeoutMs() + " ms)";
        } else if (event instanceof StateEvent.SessionEnded e) {
            return "session " + e.id() + (e.expired() ? " expired" : " closed");
        } else if (event instanceof StateEvent.RoleGranted e) {
            return e.identity() + " granted " + e.grant().text();
        } else if (event instanceof StateEvent.RoleRevoked e) {
            return e.identity() + " revoked " + e.grant().text();
        }
        return event.toString();
    }

    /** The events of one entry and who caused it: {@code server web/web-3 DRAIN by ops-oncall}. */
    public static String describe(java.util.List<StateEvent> events, String identity) {
        java.util.List<String> texts = new java.util.ArrayList<>(events.size());
        for (StateEvent event : events) {
            texts.add(describe(event));
        }
        return String.join("; ", texts) + (identity.isEmpty() ? "" : " by " + identity);
    }

}
