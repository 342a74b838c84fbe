package io.signalbox.node;

import io.signalbox.state.StateEvent;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Which services an entry's events change, for {@link NodeEffect.ServicesChanged}. */
final class ChangedServices {
    private ChangedServices() {}

    static NodeEffect.ServicesChanged of(List<StateEvent> events) {
        Set<String> services = new TreeSet<>();
        for (StateEvent event : events) {
            String service = serviceOf(event);
            if (service == null) {
                return new NodeEffect.ServicesChanged(Set.of(), true);
            }
            if (!service.isEmpty()) {
                services.add(service);
            }
        }
        return new NodeEffect.ServicesChanged(services, false);
    }

    /** The service an event changes; "" for none; null when it may change any (a session's end). */
    private static String serviceOf(StateEvent event) {
        if (event instanceof StateEvent.ServicePut e) {
            return e.service().name();
        } else if (event instanceof StateEvent.ServiceRemoved e) {
            return e.name();
        } else if (event instanceof StateEvent.ServerRegistered e) {
            return e.server().service();
        } else if (event instanceof StateEvent.ServerWeightSet e) {
            return e.server().service();
        } else if (event instanceof StateEvent.ServerStateSet e) {
            return e.server().service();
        } else if (event instanceof StateEvent.ServerDeregistered e) {
            return e.server().service();
        } else if (event instanceof StateEvent.SessionOpened) {
            return "";
        }
        return null;
    }
}
