package io.signalbox.register;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A real HTTP backend on 127.0.0.1 that answers its name on every path and 200 or 503 on
 * {@code /healthz}, as {@link #healthy} says; it can be stopped and started again on the same
 * port (a deploy, a crash).
 */
final class TestBackend implements AutoCloseable {
    static {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    final String name;
    private volatile int port;
    private volatile boolean healthy = true;
    private HttpServer server;

    private TestBackend(String name) {
        this.name = name;
    }

    /** Starts on a free port, which it keeps across restarts. */
    static TestBackend start(String name) throws IOException {
        TestBackend backend = new TestBackend(name);
        backend.start();
        return backend;
    }

    int port() {
        return port;
    }

    void healthy(boolean value) {
        healthy = value;
    }

    synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        HttpServer created = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128); // port 0 the first time
        byte[] body = (name + "\n").getBytes(StandardCharsets.US_ASCII);
        created.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        created.createContext("/healthz", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(healthy ? 200 : 503, -1);
            exchange.close();
        });
        created.start();
        server = created;
        port = created.getAddress().getPort();
    }

    /** Stops listening; requests in flight finish first (up to 1 s), as a backend's own graceful stop would. */
    synchronized void stop() {
        if (server != null) {
            server.stop(1);
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
