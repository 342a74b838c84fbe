package io.signalbox.state;

import java.util.Map;

/** Small builders for commands in tests. */
final class Fixtures {
    private Fixtures() {}

    static Command.PutService service(String name, int port) {
        return new Command.PutService(name, "http", port, "roundrobin", new HealthCheck("/health", 2_000, 2, 3), 5_000, 30_000, 30_000, null);
    }

    static Command.RegisterServer server(String service, String name, String address, int port) {
        return new Command.RegisterServer(service, name, address, port, 10, "ready", false, Map.of("zone", "a"), 0, null);
    }

    static Command.RegisterServer ephemeral(String service, String name, String address, long sessionId) {
        return new Command.RegisterServer(service, name, address, 8080, 10, null, false, Map.of(), sessionId, null);
    }

    /** Prepares and applies at the next zxid of epoch 1; returns the events. */
    static java.util.List<StateEvent> run(LbStateMachine machine, Command command) {
        java.util.List<StateEvent> events = machine.prepare(command);
        if (!events.isEmpty()) {
            machine.apply(next(machine), events);
        }
        return events;
    }

    /**
     * One of every kind of change, at random, over a few services, servers, sessions and
     * identities: enough collisions that many are refused, replace or remove what came before.
     */
    static Command randomChange(java.util.Random random, LbStateMachine machine) {
        String service = "s" + random.nextInt(3);
        String name = "n" + random.nextInt(5);
        int session = 1 + random.nextInt((int) machine.view().nextSessionId());
        return switch (random.nextInt(9)) {
            case 0 -> service(service, 8000 + service.charAt(1));
            case 1 -> new Command.RemoveService(service, true, null);
            case 2 -> new Command.SetWeight(service, name, random.nextInt(100), null);
            case 3 -> new Command.OpenSession(5_000);
            case 4 -> new Command.CloseSession(session);
            case 5 -> new Command.ExpireSession(session);
            case 6 -> random.nextBoolean() ? new Command.GrantRole("ops-" + random.nextInt(3), "operate", service)
                    : new Command.RevokeRole("ops-" + random.nextInt(3), "operate", service);
            case 7 -> ephemeral(service, "e" + random.nextInt(3), "10.9.0.1", session);
            default -> server(service, name, "10.0.0." + (1 + random.nextInt(9)), 80);
        };
    }

    static long next(LbStateMachine machine) {
        return machine.appliedZxid() == 0 ? (1L << 32) | 1 : machine.appliedZxid() + 1;
    }
}
