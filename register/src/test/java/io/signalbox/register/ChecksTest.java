package io.signalbox.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.signalbox.state.IpAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three kinds of check against real sockets and processes on this machine, each failure saying what went wrong. */
class ChecksTest {
    private static final IpAddress LOOPBACK = IpAddress.parse("address", "127.0.0.1");

    @Test
    void httpPassesOn2xxAnd3xxAndFailsOtherwiseNamingTheStatus() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/", exchange -> {
            int status = switch (exchange.getRequestURI().getPath()) {
                case "/ok" -> 200;
                case "/moved" -> 302;
                default -> 503;
            };
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            CheckResult ok = Checks.run(new CheckSpec.Http(LOOPBACK, port, "/ok"), 2_000);
            assertTrue(ok.passed(), ok.toString());
            assertEquals("HTTP 200", ok.detail());
            assertTrue(Checks.run(new CheckSpec.Http(LOOPBACK, port, "/moved"), 2_000).passed());
            CheckResult down = Checks.run(new CheckSpec.Http(LOOPBACK, port, "/healthz"), 2_000);
            assertFalse(down.passed());
            assertEquals("HTTP 503", down.detail());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aListenerThatNeverAnswersFailsWithinTheTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            CheckResult result = Checks.run(new CheckSpec.Http(LOOPBACK, silent.getLocalPort(), "/"), 300);
            assertFalse(result.passed());
            assertEquals("no answer within 300 ms", result.detail());
            assertTrue(result.durationMs() < 5_000, "bounded by the timeout, not by the peer: " + result);
            assertTrue(Checks.run(new CheckSpec.Tcp(LOOPBACK, silent.getLocalPort()), 1_000).passed(), "TCP only needs the connect");
        }
    }

    @Test
    void tcpFailsWhenNothingListens() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        CheckResult result = Checks.run(new CheckSpec.Tcp(LOOPBACK, port), 1_000);
        assertFalse(result.passed());
        assertTrue(result.detail().contains("refused"), result.toString());
    }

    @Test
    void aCommandPassesOnExitZeroAndOneThatHangsIsKilledWithItsChildren(@TempDir Path directory) throws Exception {
        assertTrue(Checks.run(new CheckSpec.Shell("test 1 -eq 1"), 2_000).passed());
        CheckResult failed = Checks.run(new CheckSpec.Shell("exit 3"), 2_000);
        assertEquals("exit 3", failed.detail());
        Path pid = directory.resolve("pid");
        CheckResult hung = Checks.run(new CheckSpec.Shell("sleep 30 & echo $! > " + pid + "; wait"), 500);
        assertFalse(hung.passed());
        assertEquals("no exit within 500 ms (killed)", hung.detail());
        long child = Long.parseLong(Files.readString(pid).strip());
        boolean gone = false;
        for (int i = 0; i < 100 && !gone; i++) { // bounded: 100 looks at the process table, 10 ms apart
            gone = !running(child);
            if (!gone) {
                Thread.sleep(10);
            }
        }
        assertTrue(gone, "the check's child process " + child + " was left running");
    }

    /** Killed and not yet reaped (a zombie) counts as gone: its parent, the shell, is gone too. */
    private static boolean running(long pid) throws IOException {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String text;
        try {
            text = Files.readString(stat);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
        return text.charAt(text.lastIndexOf(')') + 2) != 'Z';
    }
}
