package io.signalbox.state;

import static io.signalbox.state.Fixtures.ephemeral;
import static io.signalbox.state.Fixtures.server;
import static io.signalbox.state.Fixtures.service;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The events every command produces, as a transcript checked against
 * {@code src/test/resources/golden/events.txt}; {@code -Dgolden.rewrite=true} rewrites it
 * (then read the diff: it is the specification).
 */
class GoldenEventsTest {
    private final LbStateMachine machine = new LbStateMachine(Limits.DEFAULTS, 100);
    private final StringBuilder transcript = new StringBuilder();

    private void step(String title, Command command) {
        transcript.append("> ").append(title).append('\n');
        try {
            List<StateEvent> events = machine.prepare(command);
            if (events.isEmpty()) {
                transcript.append("  (no events: nothing is logged)\n");
            } else {
                long zxid = Fixtures.next(machine);
                machine.apply(zxid, events);
                transcript.append("  entry ").append(zxid >>> 32).append(':').append(zxid & 0xffffffffL).append('\n');
                for (StateEvent event : events) {
                    transcript.append("  ").append(event).append('\n');
                }
            }
        } catch (Rejection rejection) {
            transcript.append("  rejected ").append(rejection.getClass().getSimpleName()).append(": ").append(rejection.getMessage()).append('\n');
        }
        transcript.append("  servers now: ").append(serverList()).append('\n');
    }

    private String serverList() {
        StringBuilder out = new StringBuilder();
        for (Service service : machine.services()) {
            for (Server server : machine.servers(service.name())) {
                out.append(out.length() == 0 ? "" : ", ").append(server.key()).append('=').append(server.address()).append(':')
                        .append(server.port()).append(" w").append(server.weight()).append(' ').append(server.state())
                        .append(server.sessionId() == 0 ? "" : " session " + server.sessionId());
            }
        }
        return out.length() == 0 ? "none" : out.toString();
    }

    @Test
    void everyCommandsEvents() throws IOException {
        step("put service web", service("web", 8080));
        step("put service web again with expectVersion 1:1 (replaces it, servers stay)",
                new Command.PutService("web", "tcp", 8080, "leastconn", null, 1_000, 10_000, 10_000, (1L << 32) | 1));
        step("put service with a stale expectVersion", new Command.PutService("web", "http", 8080, "roundrobin", null, 1, 1, 1, (1L << 32) | 1));
        step("register server a", server("web", "a", "10.0.0.1", 8081));
        step("register server b on IPv6, written long-hand", server("web", "b", "FD00:0:0:0:0:0:0:1", 8082));
        step("set weight of a to 0", new Command.SetWeight("web", "a", 0, null));
        step("drain b", new Command.SetState("web", "b", "drain", null));
        step("maint b expecting a stale version", new Command.SetState("web", "b", "maint", (1L << 32) | 4));
        step("remove web while it has servers", new Command.RemoveService("web", false, null));
        step("open a session of 10 s", new Command.OpenSession(10_000));
        step("register ephemeral server e1 under session 1", ephemeral("web", "e1", "10.0.0.9", 1));
        step("register ephemeral server e2 under session 1", ephemeral("web", "e2", "10.0.0.10", 1));
        step("keep session 1 alive", new Command.KeepAlive(1));
        step("the leader expires session 1: its servers go in the same entry", new Command.ExpireSession(1));
        step("keep alive an expired session", new Command.KeepAlive(1));
        step("open session 2", new Command.OpenSession(5_000));
        step("register ephemeral e3 under session 2", ephemeral("web", "e3", "10.0.0.11", 2));
        step("open session 3", new Command.OpenSession(5_000));
        step("session 3 registers e3, which session 2 owns", ephemeral("web", "e3", "10.0.0.12", 3));
        step("register e3 without a session while session 2 owns it", server("web", "e3", "10.0.0.12", 8080));
        step("session 2 registers its own e3 again, drained", new Command.RegisterServer("web", "e3", "10.0.0.11", 8080, 10, "drain",
                false, java.util.Map.of(), 2, null));
        step("session 3 adopts the permanent server b", new Command.RegisterServer("web", "b", "fd00::1", 8082, 10, "drain",
                false, java.util.Map.of(), 3, null));
        step("close session 3: b leaves with it", new Command.CloseSession(3));
        step("close session 2", new Command.CloseSession(2));
        step("multi: put service api, register two servers in it", new Command.Multi(List.of(
                service("api", 9090),
                server("api", "x", "10.1.0.1", 80),
                server("api", "y", "10.1.0.2", 80))));
        step("multi whose third command fails: nothing happens", new Command.Multi(List.of(
                new Command.SetWeight("api", "x", 50, null),
                new Command.DeregisterServer("api", "y", null),
                new Command.SetWeight("api", "nope", 1, null))));
        step("deregister a", new Command.DeregisterServer("web", "a", null));
        step("remove api with cascade", new Command.RemoveService("api", true, null));
        step("register into a service that does not exist", server("gone", "z", "10.0.0.1", 80));

        Path golden = Path.of("src/test/resources/golden/events.txt");
        if (Boolean.getBoolean("golden.rewrite")) {
            Files.writeString(golden, transcript.toString(), StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(golden, StandardCharsets.UTF_8), transcript.toString());
    }

    @Test
    void sessionExpiryRemovesExactlyTheSessionsServers() {
        Fixtures.run(machine, service("web", 8080));
        Fixtures.run(machine, new Command.OpenSession(10_000));
        Fixtures.run(machine, new Command.OpenSession(10_000));
        Fixtures.run(machine, ephemeral("web", "one", "10.0.0.1", 1));
        Fixtures.run(machine, ephemeral("web", "two", "10.0.0.2", 2));
        Fixtures.run(machine, server("web", "fixed", "10.0.0.3", 80));
        Fixtures.run(machine, new Command.ExpireSession(1));
        assertEquals(List.of("fixed", "two"), machine.servers("web").stream().map(Server::name).toList());
    }
}
