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

    static long next(LbStateMachine machine) {
        return machine.appliedZxid() == 0 ? (1L << 32) | 1 : machine.appliedZxid() + 1;
    }
}
