package io.signalbox.proxysync.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.proxysync.RenderException;
import io.signalbox.state.Balance;
import io.signalbox.state.Command;
import io.signalbox.state.Configuration;
import io.signalbox.state.HealthCheck;
import io.signalbox.state.IpAddress;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.Limits;
import io.signalbox.state.Mode;
import io.signalbox.state.Server;
import io.signalbox.state.ServerState;
import io.signalbox.state.Service;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rendered haproxy.cfg passes the real {@code haproxy -c}; a hostile value never reaches the file. */
class HaproxyConfigRendererTest {
    @TempDir
    Path directory;

    private HaproxyConfigRenderer renderer() {
        return new HaproxyConfigRenderer(new HaproxyConfigRenderer.Settings(directory.resolve("admin.sock").toString(),
                directory.resolve("state").toString(), "127.0.0.1"));
    }

    private static Configuration sample() {
        LbStateMachine machine = new LbStateMachine(Limits.DEFAULTS, 100);
        long zxid = 0;
        List<Command> commands = List.of(
            new Command.PutService("web", "http", 18080, "roundrobin", new HealthCheck("/health", 1000, 2, 3), 2000, 30000, 30000, null),
            new Command.PutService("db", "tcp", 15432, "leastconn", new HealthCheck("", 2000, 1, 2), 1000, 60000, 60000, null),
            new Command.RegisterServer("web", "a", "10.0.0.1", 8080, 10, "ready", false, Map.of(), 0, null),
            new Command.RegisterServer("web", "b", "fd00::2", 8080, 30, "drain", false, Map.of(), 0, null),
            new Command.RegisterServer("web", "c", "10.0.0.3", 8080, 5, "maint", true, Map.of(), 0, null),
            new Command.RegisterServer("db", "primary", "10.0.1.1", 5432, 1, "ready", false, Map.of(), 0, null));
        for (Command command : commands) {
            machine.apply(++zxid, machine.prepare(command));
        }
        return machine.configuration();
    }

    @Test
    void theRenderedConfigurationPassesHaproxysOwnCheck() throws Exception {
        String text = renderer().render(sample());
        assertTrue(text.contains("server b [fd00::2]:8080 weight 0 check inter 1000ms rise 2 fall 3"), text);
        assertTrue(text.contains("server c 10.0.0.3:8080 weight 5 check inter 1000ms rise 2 fall 3 backup disabled"), text);
        assertTrue(text.contains("option httpchk GET /health"), text);
        assertTrue(text.contains("balance leastconn"), text);
        Path file = directory.resolve("haproxy.cfg");
        Files.writeString(file, text);
        Process check = new ProcessBuilder("haproxy", "-c", "-f", file.toString()).redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), "haproxy -c says:\n" + output + "\nfor:\n" + text);
    }

    @Test
    void hostileValuesThatSomehowGotPastValidationAreRefusedNamingTheField() {
        Service web = sample().services().stream().filter(s -> s.name().equals("web")).findFirst().orElseThrow();
        Server server = sample().servers().get("web").get(0);
        assertRefused("service.name", withService(new Service("web\n    disabled", Mode.HTTP, 18080, Balance.ROUNDROBIN, null,
                1000, 1000, 1000, 1), List.of()));
        assertRefused("service.name", withService(new Service("web#", Mode.HTTP, 18080, Balance.ROUNDROBIN, null, 1000, 1000, 1000, 1),
                List.of()));
        assertRefused("service.healthCheck.httpPath", withService(new Service("web", Mode.HTTP, 18080, Balance.ROUNDROBIN,
                new HealthCheck("/h\r\nhttp-request deny", 1000, 1, 1), 1000, 1000, 1000, 1), List.of()));
        assertRefused("service.healthCheck.httpPath", withService(new Service("web", Mode.HTTP, 18080, Balance.ROUNDROBIN,
                new HealthCheck("/${HOME}", 1000, 1, 1), 1000, 1000, 1000, 1), List.of()));
        assertRefused("service.listenPort", withService(new Service("web", Mode.HTTP, 0, Balance.ROUNDROBIN, null, 1000, 1000, 1000, 1),
                List.of()));
        assertRefused("server.name", withService(web, List.of(new Server("web", "a b", server.address(), 80, 1, ServerState.READY, false,
                new TreeMap<>(), 0, 1))));
        assertRefused("server.weight", withService(web, List.of(new Server("web", "a", server.address(), 80, 257, ServerState.READY,
                false, new TreeMap<>(), 0, 1))));
        assertRefused("server.port", withService(web, List.of(new Server("web", "a", IpAddress.parse("a", "10.0.0.1"), 70000, 1,
                ServerState.READY, false, new TreeMap<>(), 0, 1))));
        RenderException socket = assertThrows(RenderException.class, () -> new HaproxyConfigRenderer(new HaproxyConfigRenderer.Settings(
                "/tmp/a.sock level admin\nglobal", directory.resolve("state").toString(), "127.0.0.1")));
        assertTrue(socket.getMessage().startsWith("adminSocket: ") && socket.getMessage().contains("\\u000a"), socket.getMessage());
        RenderException bind = assertThrows(RenderException.class, () -> new HaproxyConfigRenderer(new HaproxyConfigRenderer.Settings(
                directory.resolve("a.sock").toString(), directory.resolve("state").toString(), "unix@/tmp/x")));
        assertTrue(bind.getMessage().startsWith("bindAddress: "), bind.getMessage());
    }

    private static Configuration withService(Service service, List<Server> servers) {
        return new Configuration(1, List.of(service), Map.of(service.name(), servers), List.of(), 0);
    }

    private void assertRefused(String field, Configuration configuration) {
        RenderException e = assertThrows(RenderException.class, () -> renderer().render(configuration));
        assertTrue(e.getMessage().startsWith(field + ": "), "expected " + field + ", got: " + e.getMessage());
    }
}
