package io.signalbox.simulation;

import io.signalbox.state.Command;
import io.signalbox.state.HealthCheck;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.Server;
import io.signalbox.state.Service;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What the simulated clients ask for: real load-balancer commands (services, servers,
 * weights, drains, sessions with ephemeral servers, closes, multis), drawn against a node's
 * applied state so most make sense; the node validates them as it does any client's, and a
 * refused one is answered with the error.
 */
final class Workload {
    static final int SERVICES_MAX = 4;
    static final int SERVERS_PER_SERVICE_MAX = 12;
    /** Sessions open at once, at most: real ones expire, so the simulated clients keep a handful. */
    static final int SESSIONS_OPEN_MAX = 6;

    private final SplittableRandom random;

    Workload(SplittableRandom random) {
        this.random = random;
    }

    Command nextCommand(LbStateMachine state) {
        List<Service> services = new java.util.ArrayList<>(SERVICES_MAX + 1);
        for (Service service : state.services()) {
            if (!service.name().equals(SimClients.SERVICE)) {
                services.add(service);
            }
        }
        if (services.isEmpty() || (services.size() < SERVICES_MAX && random.nextInt(20) == 0)) {
            int index = random.nextInt(SERVICES_MAX);
            return new Command.PutService("svc" + index, random.nextBoolean() ? "http" : "tcp", 10_000 + index,
                    random.nextBoolean() ? "roundrobin" : "leastconn", random.nextBoolean() ? new HealthCheck("", 2_000, 2, 3) : null,
                    1_000, 30_000, 30_000, null);
        }
        String service = services.get(random.nextInt(services.size())).name();
        List<Server> servers = state.servers(service);
        String someServer = "s" + random.nextInt(SERVERS_PER_SERVICE_MAX);
        String existing = servers.isEmpty() ? someServer : servers.get(random.nextInt(servers.size())).name();
        int roll = random.nextInt(100);
        if (roll < 35) {
            return new Command.RegisterServer(service, someServer, "10.0." + random.nextInt(4) + "." + (1 + random.nextInt(250)),
                    8080, random.nextInt(257), "ready", random.nextInt(10) == 0, Map.of("zone", "z" + random.nextInt(3)), 0, null);
        } else if (roll < 65) {
            return new Command.SetWeight(service, existing, random.nextInt(257), null);
        } else if (roll < 75) {
            return new Command.SetState(service, existing, List.of("ready", "drain", "maint").get(random.nextInt(3)), null);
        } else if (roll < 80) {
            return new Command.DeregisterServer(service, existing, null);
        }
        List<io.signalbox.state.Session> sessions = state.sessions();
        long session = sessions.isEmpty() ? 1 : sessions.get(random.nextInt(sessions.size())).id();
        if (roll < 86) {
            return sessions.size() < SESSIONS_OPEN_MAX ? new Command.OpenSession(5_000) : new Command.CloseSession(session);
        } else if (roll < 94) {
            return new Command.RegisterServer(service, "e" + random.nextInt(6), "10.9.0." + (1 + random.nextInt(250)), 9000, 1,
                    "", false, Map.of(), session, null); // "" (the default state), as every client's wire sends an unset one
        } else if (roll < 98) {
            return random.nextBoolean() ? new Command.KeepAlive(session) : new Command.CloseSession(session);
        }
        return new Command.Multi(List.of(
                new Command.SetWeight(service, existing, random.nextInt(257), null),
                new Command.SetState(service, existing, "drain", null)));
    }
}
