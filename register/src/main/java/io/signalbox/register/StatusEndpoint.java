package io.signalbox.register;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The sidecar's own small HTTP endpoint: {@code GET /health} (200 while it runs with a live
 * session, else 503 with the reason), {@code /metrics} (Prometheus text) and {@code /status}
 * (JSON). One thread, owned here and stopped by {@link #close()}. It answers GET only and
 * never reads a body; bind it to loopback unless something else must scrape it.
 */
final class StatusEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private StatusEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static StatusEndpoint start(RegisterConfig.StatusAddress address, Supplier<SidecarStatus> status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(address.address().bytes()), address.port()), 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "signalbox-register-status");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> answer(exchange, status.get()));
        server.start();
        return new StatusEndpoint(server, executor);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, SidecarStatus status) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("GET")) {
                send(exchange, 405, "text/plain", "only GET\n");
            } else if (path.equals("/health")) {
                send(exchange, status.healthy() ? 200 : 503, "text/plain", status.healthText());
            } else if (path.equals("/metrics")) {
                send(exchange, 200, "text/plain; version=0.0.4", status.metricsText());
            } else if (path.equals("/status")) {
                send(exchange, 200, "application/json", status.statusJson());
            } else {
                send(exchange, 404, "text/plain", "not found: /health, /metrics and /status are here\n");
            }
        }
    }

    private static void send(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
