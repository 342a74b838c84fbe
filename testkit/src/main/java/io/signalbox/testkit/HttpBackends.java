package io.signalbox.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Real HTTP backends on 127.0.0.1 (or an address of a {@link HostNetwork} the test built), each answering
 * with its own name; and a plain HTTP GET without keep-alive.
 */
public final class HttpBackends implements AutoCloseable {
    static {
        // The JDK server writes headers and body separately; on a kept-alive connection (Nginx's
        // upstream keepalive) Nagle plus delayed ACKs would add 40 ms to every request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final Map<String, HttpServer> servers = new TreeMap<>();

    /** Starts a backend on an ephemeral port of 127.0.0.1; returns the port. */
    public int start(String name) throws IOException {
        return start(name, "127.0.0.1");
    }

    /** Starts a backend on an ephemeral port of {@code address} (an IP literal of this host); returns the port. */
    public int start(String name, String address) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address, 0), 64);
        byte[] body = (name + "\n").getBytes(StandardCharsets.US_ASCII);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        servers.put(name, server);
        return server.getAddress().getPort();
    }

    public void stop(String name) {
        HttpServer server = servers.remove(name);
        if (server != null) {
            server.stop(0);
        }
    }

    /** The body of GET / on 127.0.0.1:port (the backend's name), or "status N" / "failed: ..." when it did not answer 200. */
    public static String get(int port) {
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/").openConnection();
            connection.setRequestProperty("Connection", "close");
            connection.setConnectTimeout(2_000);
            connection.setReadTimeout(5_000);
            int status = connection.getResponseCode();
            if (status != 200) {
                InputStream error = connection.getErrorStream();
                if (error != null) {
                    error.readAllBytes();
                }
                return "status " + status;
            }
            try (InputStream in = connection.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
            }
        } catch (IOException e) {
            return "failed: " + e;
        }
    }

    /** How many of {@code count} requests each backend answered. */
    public static Map<String, Integer> spread(int port, int count) {
        Map<String, Integer> answers = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            answers.merge(get(port), 1, Integer::sum);
        }
        return answers;
    }

    @Override
    public void close() {
        servers.values().forEach(s -> s.stop(0));
        servers.clear();
    }
}
