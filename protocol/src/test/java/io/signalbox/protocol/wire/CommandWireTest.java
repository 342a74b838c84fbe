package io.signalbox.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.protocol.HostPort;
import io.signalbox.state.Command;
import io.signalbox.state.HealthCheck;
import io.signalbox.state.Rejection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CommandWireTest {
    @Test
    void everyClientCommandSurvivesTheWireUnchanged() {
        List<Command> commands = List.of(
            new Command.PutService("web", "http", 8080, "leastconn", new HealthCheck("/h", 2000, 2, 3), 1, 2, 3, 0L),
            new Command.PutService("tcp", "tcp", 9000, "source", null, 10, 20, 30, null),
            new Command.RemoveService("web", true, 42L),
            new Command.RegisterServer("web", "a", "10.0.0.1", 80, 7, "drain", true, new TreeMap<>(Map.of("zone", "b", "az", "1")), 9, null),
            new Command.SetWeight("web", "a", 0, 5L),
            new Command.SetState("web", "a", "maint", null),
            new Command.DeregisterServer("web", "a", null),
            new Command.OpenSession(3000),
            new Command.KeepAlive(9),
            new Command.CloseSession(9),
            new Command.Multi(List.of(new Command.SetWeight("web", "a", 1, null), new Command.SetState("web", "a", "ready", null))));
        for (Command command : commands) {
            assertEquals(command, CommandWire.fromProto(CommandWire.toProto(command)), command.toString());
        }
    }

    @Test
    void aRequestWithoutACommandOrWithANestedMultiIsRefusedNamingTheField() {
        Rejection missing = assertThrows(Rejection.class, () -> CommandWire.fromProto(io.signalbox.proto.client.Command.getDefaultInstance()));
        assertEquals("command", missing.field());
        io.signalbox.proto.client.Command inner = CommandWire.toProto(new Command.Multi(List.of(new Command.OpenSession(1000))));
        io.signalbox.proto.client.Command nested = io.signalbox.proto.client.Command.newBuilder()
                .setMulti(io.signalbox.proto.client.Multi.newBuilder().addCommands(inner)).build();
        Rejection rejection = assertThrows(Rejection.class, () -> CommandWire.fromProto(nested));
        assertTrue(rejection.field().startsWith("command.multi[0]"), rejection.field());
    }

    @Test
    void addressesAreParsedWithErrorsThatNameTheValue() {
        assertEquals(List.of(new HostPort("127.0.0.1", 7101), new HostPort("::1", 7102)), HostPort.parseList("127.0.0.1:7101, ::1:7102"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> HostPort.parse("127.0.0.1:http"));
        assertTrue(bad.getMessage().contains("127.0.0.1:http"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("127.0.0.1:70000"));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parseList(" , "));
    }
}
