package io.signalbox.proxysync.nginx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.proxysync.RenderException;
import io.signalbox.state.Balance;
import io.signalbox.state.Configuration;
import io.signalbox.state.HealthCheck;
import io.signalbox.state.IpAddress;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NginxConfigRendererTest {
    private static final NginxConfigRenderer RENDERER = new NginxConfigRenderer(
            new NginxConfigRenderer.Settings("127.0.0.1", 28_099, "127.0.0.1", true));

    @TempDir
    Path directory;

    private static Service service(String name, Balance balance, HealthCheck health) {
        return new Service(name, Mode.HTTP, 28_080, balance, health, 1000, 1000, 1000, 1);
    }

    private static Server server(String service, String name, String ip, int weight, ServerState state, boolean backup) {
        return new Server(service, name, IpAddress.parse("address", ip), 8080, weight, state, backup, new TreeMap<>(), 0, 1);
    }

    private static Configuration configuration(long zxid, List<Service> services, Map<String, List<Server>> servers) {
        return new Configuration(zxid, services, servers, List.of(), 0);
    }

    @Test
    void everyStateAndMethodMapsToNginxAndTheWholeTreePassesNginxT() throws Exception {
        Configuration c = configuration(0x1_0000_0029L, List.of(service("web", Balance.ROUNDROBIN, new HealthCheck("/health", 2000, 2, 3)),
                        service("api", Balance.SOURCE, null), service("empty", Balance.LEASTCONN, null)),
                Map.of("web", List.of(server("web", "a", "10.0.0.1", 5, ServerState.READY, false),
                                server("web", "b", "fd00::2", 3, ServerState.DRAIN, false),
                                server("web", "c", "10.0.0.3", 0, ServerState.READY, false),
                                server("web", "d", "10.0.0.4", 1, ServerState.READY, true)),
                        "api", List.of(server("api", "x", "10.0.1.1", 1, ServerState.MAINT, false),
                                server("api", "y", "10.0.1.2", 1, ServerState.READY, true))));
        String text = RENDERER.render(c);
        assertTrue(text.contains("server 10.0.0.1:8080 weight=5 max_fails=3 fail_timeout=6s;  # a"), text);
        assertTrue(text.contains("server [fd00::2]:8080 weight=3 max_fails=3 fail_timeout=6s down;  # b"), text);
        assertTrue(text.contains("server 10.0.0.3:8080 max_fails=3 fail_timeout=6s down;  # c"), "weight 0 is down\n" + text);
        assertTrue(text.contains("server 10.0.0.4:8080 weight=1 max_fails=3 fail_timeout=6s backup;  # d"), text);
        assertTrue(text.contains("hash $remote_addr consistent;"), text);
        assertTrue(text.contains("server 10.0.1.2:8080 weight=1 down;  # y"), "hash refuses backup: down instead\n" + text);
        assertTrue(text.contains("least_conn;") && text.contains("server 127.0.0.1:1 down;  # no servers registered"), text);
        assertTrue(text.contains("location = /__signalbox/version { default_type text/plain; return 200 \"1:41\\n\"; }"), text);
        assertEquals("1:41", NginxFiles.markerIn(text, NginxConfigRenderer.VERSION_PATH));
        assertEquals(NginxFiles.withoutMarker(text, NginxConfigRenderer.VERSION_PATH), NginxFiles.withoutMarker(RENDERER.render(
                new Configuration(0x1_0000_0030L, c.services(), c.servers(), List.of(), 0)), NginxConfigRenderer.VERSION_PATH), "only the version line moves with the zxid");

        assertTrue(Files.isExecutable(Path.of("/usr/sbin/nginx")), "nginx is not installed (apt-get install nginx); .ci/run installs it");
        Files.writeString(directory.resolve("upstreams.conf"), text);
        Files.createDirectories(directory.resolve("tmp"));
        Files.writeString(directory.resolve("nginx.conf"), "pid " + directory.resolve("nginx.pid") + ";\nerror_log "
                + directory.resolve("error.log") + ";\nevents {}\nhttp {\n client_body_temp_path " + directory.resolve("tmp")
                + ";\n proxy_temp_path " + directory.resolve("tmp") + ";\n include " + directory.resolve("upstreams.conf") + ";\n}\n");
        assertNginxAccepts();
    }

    @Test
    void hostileValuesThatReachTheRendererAreRefusedNamingTheField() {
        // Validation refuses these when a command arrives; the renderer refuses them again.
        Service hostile = service("web; } server { listen 9999; return 200 x; } upstream u {", Balance.ROUNDROBIN, null);
        RenderException name = assertThrows(RenderException.class, () -> RENDERER.render(configuration(1, List.of(hostile), Map.of())));
        assertTrue(name.getMessage().startsWith("service.name: \"web; }"), name.getMessage());
        Server newline = server("web", "a\n    server 10.9.9.9:1", "10.0.0.1", 1, ServerState.READY, false);
        RenderException server = assertThrows(RenderException.class, () -> RENDERER.render(configuration(1,
                List.of(service("web", Balance.ROUNDROBIN, null)), Map.of("web", List.of(newline)))));
        assertTrue(server.getMessage().contains("\\u000a"), "the newline is shown: " + server.getMessage());
        Server heavy = server("web", "a", "10.0.0.1", 100_000, ServerState.READY, false);
        RenderException weight = assertThrows(RenderException.class, () -> RENDERER.render(configuration(1,
                List.of(service("web", Balance.ROUNDROBIN, null)), Map.of("web", List.of(heavy)))));
        assertTrue(weight.getMessage().startsWith("server.weight: \"100000\""), weight.getMessage());
    }

    @Test
    void dynamicModeRendersNoServersOnlyLuaUpstreamsAndTcpGoesToStreamAndNginxTAcceptsBoth() throws Exception {
        NginxConfigRenderer dynamic = new NginxConfigRenderer(new NginxConfigRenderer.Settings("127.0.0.1", 28_099, "127.0.0.1", true,
                NginxMode.DYNAMIC, 28_098, "0123456789abcdef0123456789abcdef", directory.toString(), true));
        Service tcp = new Service("db", Mode.TCP, 28_081, Balance.LEASTCONN, null, 1000, 1000, 1000, 1);
        Configuration c = configuration(0x1_0000_0029L, List.of(service("web", Balance.ROUNDROBIN, null), tcp),
                Map.of("web", List.of(server("web", "a", "10.0.0.1", 5, ServerState.READY, false)),
                        "db", List.of(server("db", "p", "10.0.2.1", 2, ServerState.READY, false))));
        NginxConfigRenderer.Rendered rendered = dynamic.renderAll(c);
        assertTrue(!rendered.http().contains("10.0.0.1") && rendered.http().contains("balance(\"web\")"), rendered.http());
        assertTrue(rendered.http().contains("listen 127.0.0.1:28098;") && rendered.http().contains("deny all;"), rendered.http());
        assertTrue(rendered.stream().contains("server 10.0.2.1:8080 weight=2;  # p") && rendered.stream().contains("proxy_pass sb_db;"),
                rendered.stream());
        Configuration moved = configuration(0x1_0000_0030L, c.services(), Map.of("web", List.of(server("web", "a", "10.0.0.9", 1,
                ServerState.DRAIN, false)), "db", c.servers().get("db")));
        assertEquals(rendered, dynamic.renderAll(moved), "HTTP server changes leave the files alone: no reload");
        String marker = NginxFiles.markerIn(rendered.http(), NginxConfigRenderer.CONFIG_PATH);
        assertEquals(16, marker.length(), rendered.http());

        Files.writeString(directory.resolve("upstreams.conf"), rendered.http());
        Files.writeString(directory.resolve("stream.conf"), rendered.stream());
        NginxFiles.installLua(directory);
        Files.createDirectories(directory.resolve("tmp"));
        Files.writeString(directory.resolve("nginx.conf"), "load_module " + NginxMode.NDK_MODULE + ";\nload_module " + NginxMode.LUA_MODULE
                + ";\nload_module " + NginxMode.STREAM_MODULE + ";\npid " + directory.resolve("nginx.pid") + ";\nerror_log "
                + directory.resolve("error.log") + ";\nevents {}\nhttp {\n client_body_temp_path " + directory.resolve("tmp")
                + ";\n proxy_temp_path " + directory.resolve("tmp") + ";\n include " + directory.resolve("upstreams.conf") + ";\n}\n"
                + "stream {\n include " + directory.resolve("stream.conf") + ";\n}\n");
        assertNginxAccepts();
    }

    @Test
    void aPushTokenThatIsNotHexIsRefused() {
        RenderException token = assertThrows(RenderException.class, () -> new NginxConfigRenderer(new NginxConfigRenderer.Settings(
                "127.0.0.1", 28_099, "127.0.0.1", true, NginxMode.DYNAMIC, 28_098, "abc\") } server { listen 80; }", "/tmp", false)));
        assertTrue(token.getMessage().startsWith("pushToken: "), token.getMessage());
    }

    @Test
    void serverListsCarryEveryFieldTheLuaBalancerNeedsAndRefuseHostileNames() {
        Service web = service("web", Balance.FIRST, new HealthCheck("/health", 2000, 2, 3));
        String list = ServerLists.list(web, List.of(server("web", "a", "10.0.0.1", 5, ServerState.READY, false),
                server("web", "b", "fd00::2", 3, ServerState.DRAIN, true), server("web", "c", "10.0.0.3", 0, ServerState.READY, false)));
        assertEquals("balance first\nmax_fails 3\nfail_timeout_ms 6000\nserver 10.0.0.1 8080 5 primary up\n"
                + "server fd00::2 8080 3 backup down\nserver 10.0.0.3 8080 0 primary down\n", list);
        assertEquals("version 1:41\nservices web\nlist web\n" + list + "end\n",
                ServerLists.push(0x1_0000_0029L, List.of("web"), Map.of("web", list)));
        assertThrows(RenderException.class, () -> ServerLists.push(1, List.of("web\nlist x"), Map.of()));
    }

    /** The real {@code nginx -t} on the tree in {@link #directory}. */
    private void assertNginxAccepts() throws Exception {
        Process check = new ProcessBuilder("nginx", "-t", "-p", directory.toString(), "-c", directory.resolve("nginx.conf").toString(),
                "-e", directory.resolve("error.log").toString()).redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, check.waitFor(), output);
    }
}
