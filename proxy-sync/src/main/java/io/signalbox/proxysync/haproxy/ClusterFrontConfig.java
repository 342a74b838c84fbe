package io.signalbox.proxysync.haproxy;

import io.signalbox.protocol.HostPort;
import io.signalbox.proxysync.SafeValues;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code haproxy.cfg} that puts HAProxy in front of the Signalbox cluster itself, for clients
 * configured with one address: TCP to the nodes' client ports, each node health-checked on its
 * admin {@code /health} ({@code option httpchk} with {@code port}), which answers 200 only while
 * the node follows or leads an established leader and has applied what it delivered. A node that
 * fails its checks is taken out and its client connections are cut ({@code on-marked-down
 * shutdown-sessions}), so its clients reconnect through HAProxy to a node that serves; a connect
 * to a node that died before its checks noticed is retried on another ({@code option redispatch}).
 * Against nodes whose admin port has TLS the checks are HTTPS ({@link HealthTls}): the node's
 * certificate verified against the cluster's CA, and a client certificate where one is asked for.
 * Rendered by {@code signalbox sync cluster-front}; every value typed and checked as it is written.
 */
public final class ClusterFrontConfig {
    /** One node: the address of its client port, and its admin port on the same host. */
    public record Node(String address, int clientPort, int adminPort) {
        /** {@code 10.0.0.1:7101/7201}: client address, then the admin port. */
        public static Node parse(String text) {
            String[] parts = text.strip().split("/");
            if (parts.length != 2) {
                throw new IllegalArgumentException("node \"" + text + "\" must be IP:CLIENT_PORT/ADMIN_PORT, e.g. 10.0.0.1:7101/7201");
            }
            HostPort client = HostPort.parse(parts[0]);
            int adminPort;
            try {
                adminPort = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("node \"" + text + "\": the admin port must be a whole number 1..65535");
            }
            return new Node(SafeValues.ipLiteral("node address", unbracketed(client)), client.port(),
                    SafeValues.port("admin port", adminPort));
        }
    }

    /**
     * HTTPS health checks ({@code check-ssl verify required ca-file CA [crt PEM]}) against nodes
     * whose admin port has TLS; client traffic is passed through untouched either way.
     *
     * @param caFile the CA that signs the nodes' certificates (the nodes' {@code tls.ca}), an absolute path
     * @param certificateFile a client certificate and its key in one PEM file (what HAProxy's {@code crt}
     *     takes: {@code cat agent.pem agent.key > agent-with-key.pem}), or empty: the admin port asks for none
     */
    public record HealthTls(String caFile, String certificateFile) {
        public HealthTls {
            caFile = SafeValues.filePath("health check CA file", caFile == null ? "" : caFile);
            certificateFile = certificateFile == null || certificateFile.isEmpty() ? ""
                    : SafeValues.filePath("health check certificate file", certificateFile);
        }
    }

    /**
     * @param bindAddress where clients connect
     * @param listenPort ...and its port
     * @param nodes every node of the cluster
     * @param checkIntervalMs how often each node's /health is checked; two failures take it out, two successes bring it back
     * @param statsSocket a socket for {@code show stat} (level user), or empty for none
     * @param healthTls HTTPS checks, or null: plain HTTP (nodes whose admin port has no TLS)
     */
    public record Settings(String bindAddress, int listenPort, List<Node> nodes, int checkIntervalMs, String statsSocket,
                           HealthTls healthTls) {
        public Settings {
            nodes = List.copyOf(nodes);
            if (nodes.isEmpty() || nodes.size() > 99) {
                throw new IllegalArgumentException(nodes.size() + " nodes: give 1..99, IP:CLIENT_PORT/ADMIN_PORT each");
            }
        }

        /** Plain HTTP checks. */
        public Settings(String bindAddress, int listenPort, List<Node> nodes, int checkIntervalMs, String statsSocket) {
            this(bindAddress, listenPort, nodes, checkIntervalMs, statsSocket, null);
        }

        public Settings withHealthTls(HealthTls tls) {
            return new Settings(bindAddress, listenPort, nodes, checkIntervalMs, statsSocket, tls);
        }

        /** From the command line: {@code listen} as IP:PORT, {@code nodes} as {@link #parseNodes} reads them, no stats socket. */
        public static Settings of(String listen, String nodes, int checkIntervalMs) {
            HostPort address = HostPort.parse(listen);
            return new Settings(unbracketed(address), address.port(), parseNodes(nodes), checkIntervalMs, "");
        }
    }

    /** HAProxy takes an IPv6 literal bare in these places. */
    private static String unbracketed(HostPort address) {
        return address.host().replace("[", "").replace("]", "");
    }

    /** The HAProxy proxy (listen section) of the front. */
    public static final String PROXY_NAME = "signalbox.cluster";

    private ClusterFrontConfig() {}

    public static List<Node> parseNodes(String text) {
        List<Node> nodes = new ArrayList<>();
        for (String node : text.split(",")) {
            if (!node.isBlank()) {
                nodes.add(Node.parse(node));
            }
        }
        return nodes;
    }

    /** A complete haproxy.cfg with only the front: what {@code signalbox sync cluster-front} prints. */
    public static String render(Settings settings) {
        StringBuilder out = new StringBuilder("# HAProxy in front of a Signalbox cluster, rendered by signalbox sync cluster-front.\n");
        out.append("# Run: haproxy -f THIS_FILE (validate first: haproxy -c -f THIS_FILE).\n");
        out.append("global\n");
        out.append("    maxconn 4096\n");
        if (!settings.statsSocket().isEmpty()) {
            out.append("    stats socket ").append(SafeValues.filePath("statsSocket", settings.statsSocket())).append(" mode 600 level user\n");
        }
        renderListen(out, settings);
        return out.toString();
    }

    /**
     * The front as one {@code listen} section, also what a HAProxy sync agent adds to its own file.
     * Its name has a dot, which no service name can have, and no {@code be_} prefix, so the
     * agent's server passes and backend checks never take it for a service.
     */
    static void renderListen(StringBuilder out, Settings settings) {
        int interval = SafeValues.range("checkIntervalMs", settings.checkIntervalMs(), 100, 60_000);
        out.append("listen ").append(PROXY_NAME).append('\n');
        out.append("    mode tcp\n");
        out.append("    bind ").append(SafeValues.address(SafeValues.ipLiteral("bindAddress", settings.bindAddress()),
                SafeValues.port("listenPort", settings.listenPort()))).append('\n');
        out.append("    timeout connect 2s\n");
        // clients hold long-lived connections (event streams); the client library's own timeouts decide
        out.append("    timeout client 1h\n");
        out.append("    timeout server 1h\n");
        out.append("    retries 3\n");
        out.append("    option redispatch\n");
        out.append("    balance leastconn\n");
        out.append("    option httpchk GET /health\n");
        out.append("    http-check expect status 200\n");
        out.append("    default-server inter ").append(interval).append("ms fall 2 rise 2 on-marked-down shutdown-sessions");
        HealthTls tls = settings.healthTls();
        if (tls != null) {
            // check-ssl encrypts the checks only (client traffic stays a TCP pass-through); verify and crt apply to them
            out.append(" check-ssl verify required ca-file ").append(SafeValues.filePath("health check CA file", tls.caFile()));
            if (!tls.certificateFile().isEmpty()) {
                out.append(" crt ").append(SafeValues.filePath("health check certificate file", tls.certificateFile()));
            }
        }
        out.append('\n');
        int id = 1;
        for (Node node : settings.nodes()) {
            out.append("    server node").append(id++).append(' ')
                    .append(SafeValues.address(SafeValues.ipLiteral("node address", node.address()), SafeValues.port("client port", node.clientPort())))
                    .append(" check port ").append(SafeValues.port("admin port", node.adminPort())).append('\n');
        }
    }
}
