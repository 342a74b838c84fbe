package io.signalbox.proxysync.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.proxysync.RenderException;
import io.signalbox.state.Command;
import io.signalbox.state.HealthCheck;
import io.signalbox.state.IpAddress;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.Limits;
import io.signalbox.state.ServerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Runtime API against a real HAProxy 2.6 started from a rendered configuration on 127.0.0.1. */
class HaproxyRuntimeTest {
    @TempDir
    Path directory;
    private Process haproxy;
    private HaproxyRuntime runtime;
    private LbStateMachine machine;
    private long zxid;

    @BeforeEach
    void start() throws Exception {
        machine = new LbStateMachine(Limits.DEFAULTS, 100);
        List<Command> commands = List.of(
            new Command.PutService("web", "http", 28480, "roundrobin", new HealthCheck("/health", 1000, 2, 3), 1000, 30000, 30000, null),
            new Command.RegisterServer("web", "a", "10.0.0.1", 8080, 10, "ready", false, Map.of(), 0, null),
            new Command.RegisterServer("web", "b", "fd00::2", 8080, 20, "ready", false, Map.of(), 0, null));
        for (Command command : commands) {
            machine.apply(++zxid, machine.prepare(command));
        }
        Path socket = directory.resolve("admin.sock");
        String config = new HaproxyConfigRenderer(new HaproxyConfigRenderer.Settings(socket.toString(),
                directory.resolve("state").toString(), "127.0.0.1")).render(machine.configuration());
        Path file = directory.resolve("haproxy.cfg");
        Files.writeString(file, config);
        haproxy = new ProcessBuilder("haproxy", "-W", "-S", directory.resolve("master.sock").toString(), "-f", file.toString())
                .redirectErrorStream(true).redirectOutput(directory.resolve("haproxy.log").toFile()).start();
        runtime = new HaproxyRuntime(socket);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                runtime.serversState();
                break;
            } catch (HaproxyRuntime.RuntimeCommandException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("HAProxy did not open its admin socket:\n" + Files.readString(directory.resolve("haproxy.log")));
                }
                Thread.sleep(20);
            }
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        haproxy.destroy();
        if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
            haproxy.destroyForcibly();
        }
    }

    private Optional<HaproxyRuntime.ServerStatus> status(String server) {
        return runtime.serversState().stream().filter(s -> "web".equals(s.service()) && s.server().equals(server)).findFirst();
    }

    @Test
    void weightsStatesAndAddressesChangeWithoutAReload() {
        assertEquals(20, status("b").orElseThrow().userWeight());
        assertEquals(8080, status("b").orElseThrow().port());

        runtime.setWeight("web", "a", 42);
        assertEquals(42, status("a").orElseThrow().userWeight());
        runtime.setState("web", "a", ServerState.DRAIN);
        assertTrue(status("a").orElseThrow().draining());
        runtime.setState("web", "a", ServerState.MAINT);
        assertTrue(status("a").orElseThrow().maintenance());
        runtime.setState("web", "a", ServerState.READY);
        assertFalse(status("a").orElseThrow().maintenance() || status("a").orElseThrow().draining());
        runtime.setAddress("web", "a", IpAddress.parse("address", "10.0.0.7"), 9090);
        assertEquals("10.0.0.7", status("a").orElseThrow().address());
        assertEquals(9090, status("a").orElseThrow().port());
    }

    @Test
    void serversAreAddedReadiedAndDeleted() {
        runtime.addServer("web", "c", IpAddress.parse("address", "fd00::9"), 80, 7, "check inter 1000ms rise 2 fall 3", false);
        assertTrue(status("c").orElseThrow().maintenance(), "HAProxy adds servers in maintenance");
        runtime.setState("web", "c", ServerState.READY);
        runtime.enableHealth("web", "c");
        assertFalse(status("c").orElseThrow().maintenance());
        assertEquals(7, status("c").orElseThrow().userWeight());

        runtime.setState("web", "c", ServerState.MAINT);
        runtime.shutdownSessions("web", "c");
        runtime.deleteServer("web", "c");
        assertTrue(status("c").isEmpty());
    }

    @Test
    void aReloadStartsANewWorkerAndAFailedOneLeavesTheOldConfigurationServing() throws Exception {
        HaproxyMaster master = new HaproxyMaster(directory.resolve("master.sock"));
        HaproxyMaster.Processes first = master.awaitReady(10_000);
        assertEquals(1, first.workerPids().size());

        machine.apply(++zxid, machine.prepare(new Command.PutService("api", "tcp", 28481, "leastconn", null, 1000, 1000, 1000, null)));
        Files.writeString(directory.resolve("haproxy.cfg"), new HaproxyConfigRenderer(new HaproxyConfigRenderer.Settings(
                directory.resolve("admin.sock").toString(), directory.resolve("state").toString(), "127.0.0.1"))
                .render(machine.configuration()));
        HaproxyMaster.Reload reload = master.reload(10_000);
        assertTrue(reload.succeeded(), reload.toString());
        assertTrue(!reload.after().workerPids().equals(first.workerPids()), "a new worker: " + reload);
        assertTrue(accepts(28481), "the new service listens");

        Files.writeString(directory.resolve("haproxy.cfg"), "global\n    no-such-keyword\n");
        HaproxyMaster.Reload failed = master.reload(10_000);
        assertFalse(failed.succeeded(), failed.toString());
        assertTrue(accepts(28481) && accepts(28480), "the previous configuration keeps serving");
        assertEquals(10, status("a").orElseThrow().userWeight());
    }

    private static boolean accepts(int port) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            return socket.isConnected();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void refusalsAreReportedWithHaproxysWordsAndHostileNamesNeverLeave() {
        HaproxyRuntime.RuntimeCommandException unknown = assertThrows(HaproxyRuntime.RuntimeCommandException.class,
                () -> runtime.setWeight("web", "nosuch", 1));
        assertTrue(unknown.getMessage().contains("No such server"), unknown.getMessage());
        HaproxyRuntime.RuntimeCommandException busy = assertThrows(HaproxyRuntime.RuntimeCommandException.class,
                () -> runtime.deleteServer("web", "a"));
        assertTrue(busy.getMessage().contains("maintenance"), busy.getMessage());

        assertThrows(RenderException.class, () -> runtime.setWeight("web", "a;shutdown frontend fe_web", 1));
        assertThrows(RenderException.class, () -> runtime.setWeight("web\nshow info", "a", 1));
        assertThrows(RenderException.class, () -> runtime.addServer("web", "x", IpAddress.parse("a", "10.0.0.1"), 80, 1,
                "check inter 1000ms; shutdown sessions", false));
        assertTrue(haproxy.isAlive());
        assertEquals(10, status("a").orElseThrow().userWeight(), "nothing changed");
    }
}
