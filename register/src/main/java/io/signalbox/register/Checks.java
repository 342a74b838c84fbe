package io.signalbox.register;

import io.signalbox.state.IpAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link CheckSpec} once, within a timeout, on the calling thread. Never throws: every
 * way a check can go wrong (refused, timed out, a bad status, a command that hangs) is a
 * failed {@link CheckResult} that says which. Addresses are IP literals, turned into sockets
 * with {@link InetAddress#getByAddress(byte[])}, which never resolves a name.
 */
public final class Checks {
    /** Of an HTTP answer, only the status line is read; more than this is not looked at. */
    private static final int STATUS_LINE_BYTES_MAX = 1_024;

    private Checks() {}

    public static CheckResult run(CheckSpec spec, long timeoutMs) {
        long startNanos = System.nanoTime();
        Outcome outcome;
        try {
            if (spec instanceof CheckSpec.Tcp tcp) {
                outcome = connect(tcp.address(), tcp.port(), timeoutMs);
            } else if (spec instanceof CheckSpec.Http http) {
                outcome = get(http, timeoutMs);
            } else {
                outcome = command(((CheckSpec.Shell) spec).command(), timeoutMs);
            }
        } catch (SocketTimeoutException e) {
            outcome = new Outcome(false, "no answer within " + timeoutMs + " ms");
        } catch (IOException e) {
            outcome = new Outcome(false, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = new Outcome(false, "interrupted");
        }
        return new CheckResult(outcome.passed(), outcome.detail(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    private record Outcome(boolean passed, String detail) {}

    static String hostPort(IpAddress address, int port) {
        return (address.isV6() ? "[" + address + "]" : address.toString()) + ":" + port;
    }

    private static Socket open(IpAddress address, int port, long timeoutMs) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(InetAddress.getByAddress(address.bytes()), port), (int) timeoutMs);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static Outcome connect(IpAddress address, int port, long timeoutMs) throws IOException {
        open(address, port, timeoutMs).close();
        return new Outcome(true, "connected");
    }

    private static Outcome get(CheckSpec.Http http, long timeoutMs) throws IOException {
        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try (Socket socket = open(http.address(), http.port(), timeoutMs)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + http.path() + " HTTP/1.1\r\nHost: " + hostPort(http.address(), http.port())
                    + "\r\nUser-Agent: signalbox-register\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = statusLine(socket, deadlineNanos, timeoutMs);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("[1-5][0-9][0-9]")) {
                return new Outcome(false, "not an HTTP answer: \"" + printable(statusLine) + "\"");
            }
            int status = Integer.parseInt(parts[1]);
            return new Outcome(status >= 200 && status < 400, "HTTP " + status);
        }
    }

    private static String statusLine(Socket socket, long deadlineNanos, long timeoutMs) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        while (line.length() < STATUS_LINE_BYTES_MAX) {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (leftMs <= 0) {
                throw new SocketTimeoutException("no answer within " + timeoutMs + " ms");
            }
            socket.setSoTimeout((int) leftMs);
            int b = in.read();
            if (b < 0 || b == '\n') {
                break;
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private static Outcome command(String command, long timeoutMs) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            // The shell's children too: a check that hangs must not leave processes behind, one per interval.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(1, TimeUnit.SECONDS);
            return new Outcome(false, "no exit within " + timeoutMs + " ms (killed)");
        }
        return new Outcome(process.exitValue() == 0, "exit " + process.exitValue());
    }

    private static String printable(String text) {
        return text.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
