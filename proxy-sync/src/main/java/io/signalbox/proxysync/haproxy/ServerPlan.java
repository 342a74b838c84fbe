package io.signalbox.proxysync.haproxy;

import io.signalbox.state.IpAddress;
import io.signalbox.state.Server;
import io.signalbox.state.ServerState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What must change in one backend for HAProxy to run the wanted servers: a pure function of
 * the wanted servers and the ones HAProxy runs (or the driver last left), so it is tested
 * without HAProxy and a pass never sends a command for something already right. That is
 * also what makes resuming safe: replaying events the proxy already applied plans nothing.
 */
final class ServerPlan {
    private ServerPlan() {}

    /** A server as HAProxy runs it. {@code backup} is null when HAProxy's answer does not say. */
    record Running(String name, IpAddress address, int port, int weight, ServerState state, Boolean backup) {
        static Running of(Server server) {
            return new Running(server.name(), server.address(), server.port(), server.weight(), server.state(), server.backup());
        }

        static Running of(HaproxyRuntime.ServerStatus status) {
            ServerState state = status.maintenance() ? ServerState.MAINT : status.draining() ? ServerState.DRAIN : ServerState.READY;
            return new Running(status.server(), IpAddress.parse("address", status.address()), status.port(), status.userWeight(),
                    state, null);
        }
    }

    /** One step; the driver turns each into Runtime API commands. */
    sealed interface Step permits Add, SetAddress, SetWeight, SetState, Remove {
        String server();
    }

    /** Register a server: {@code add server} (it starts in maintenance), then its state, then health checks. */
    record Add(Server wanted) implements Step {
        public String server() {
            return wanted.name();
        }
    }

    record SetAddress(String server, IpAddress address, int port) implements Step {}

    record SetWeight(String server, int weight) implements Step {}

    record SetState(String server, ServerState state) implements Step {}

    /** Take out of traffic now (maintenance), delete once the drain grace period is over. */
    record Remove(String server) implements Step {}

    /**
     * The steps for one backend, in a safe order: removals first (a freed name can be re-added),
     * then changes, then additions. A server whose backup flag changed is removed and added
     * again, since HAProxy cannot change the flag at runtime. Servers in {@code leaving}
     * (already on their way out) are not removed twice.
     */
    static List<Step> plan(Collection<Server> wanted, Collection<Running> running, Set<String> leaving) {
        Map<String, Server> want = new TreeMap<>();
        for (Server server : wanted) {
            want.put(server.name(), server);
        }
        Map<String, Running> have = new TreeMap<>();
        for (Running server : running) {
            have.put(server.name(), server);
        }
        List<Step> removals = new ArrayList<>();
        List<Step> changes = new ArrayList<>();
        List<Step> additions = new ArrayList<>();
        Set<String> names = new TreeSet<>(want.keySet());
        names.addAll(have.keySet());
        for (String name : names) {
            Server w = want.get(name);
            Running h = have.get(name);
            if (w == null) {
                if (!leaving.contains(name)) {
                    removals.add(new Remove(name));
                }
            } else if (h == null) {
                additions.add(new Add(w));
            } else if (h.backup() != null && h.backup() != w.backup()) {
                removals.add(new Remove(name));
                additions.add(new Add(w));
            } else {
                if (!h.address().equals(w.address()) || h.port() != w.port()) {
                    changes.add(new SetAddress(name, w.address(), w.port()));
                }
                if (h.weight() != w.weight()) {
                    changes.add(new SetWeight(name, w.weight()));
                }
                if (h.state() != w.state()) {
                    changes.add(new SetState(name, w.state()));
                }
            }
        }
        List<Step> steps = new ArrayList<>(removals);
        steps.addAll(changes);
        steps.addAll(additions);
        return steps;
    }
}
