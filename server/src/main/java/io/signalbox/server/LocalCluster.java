package io.signalbox.server;

import io.netty.handler.ssl.ClientAuth;
import io.signalbox.server.node.SignalboxNode;
import io.signalbox.tls.DevCertificates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * N real nodes in this JVM on 127.0.0.1, each with its own data directory, ports, RocksDB
 * and threads: for tests, demos and proxies written in Java. Node i uses basePort+i for
 * peers, basePort+100+i for clients and basePort+200+i for the admin port. With a certificate
 * directory (the layout {@link io.signalbox.tls.DevCertificates#createSet} writes: {@code ca.pem},
 * {@code node-<i>.pem}, {@code node-<i>.key}) every port is TLS and client certificates are required.
 */
public final class LocalCluster implements AutoCloseable {
    private final List<NodeConfig.Member> members;
    private final Path directory;
    private final SignalboxNode[] nodes;
    /** Null: plaintext. */
    private final Path certificates;
    private final NodeConfig.Auth auth;

    private LocalCluster(int count, int basePort, Path directory, Path certificates, NodeConfig.Auth auth) {
        this.auth = auth;
        this.members = NodeConfig.localMembers(count, basePort);
        this.directory = directory;
        this.certificates = certificates;
        this.nodes = new SignalboxNode[count + 1];
    }

    public static LocalCluster start(int count, int basePort, Path directory) {
        return start(count, basePort, directory, null);
    }

    /** {@code certificates} null: plaintext; else TLS on every port with the files in that directory. */
    public static LocalCluster start(int count, int basePort, Path directory, Path certificates) {
        return start(count, basePort, directory, certificates, NodeConfig.Auth.NONE);
    }

    /** As {@link #start(int, int, Path, Path)}, with configured admins and tokens on every node. */
    public static LocalCluster start(int count, int basePort, Path directory, Path certificates, NodeConfig.Auth auth) {
        LocalCluster cluster = new LocalCluster(count, basePort, directory, certificates, auth);
        try {
            for (int id = 1; id <= count; id++) {
                cluster.startNode(id);
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public NodeConfig config(int id) {
        NodeConfig plain = NodeConfig.local(id, members, directory.resolve("node" + id)).withAuth(auth);
        if (certificates == null) {
            return plain;
        }
        return plain.withTls(new NodeConfig.Tls(DevCertificates.files(certificates, "node-" + id), ClientAuth.REQUIRE,
                NodeConfig.HANDSHAKE_TIMEOUT_MS_DEFAULT));
    }

    /** The certificate directory, or null when the cluster is plaintext. */
    public Path certificates() {
        return certificates;
    }

    public SignalboxNode startNode(int id) {
        if (nodes[id] != null && nodes[id].running()) {
            throw new IllegalStateException("node " + id + " is already running");
        }
        nodes[id] = SignalboxNode.start(config(id));
        return nodes[id];
    }

    public void stopNode(int id) {
        if (nodes[id] != null) {
            nodes[id].close();
            nodes[id] = null;
        }
    }

    public SignalboxNode node(int id) {
        return nodes[id];
    }

    public int size() {
        return members.size();
    }

    public List<NodeConfig.Member> members() {
        return members;
    }

    /** The client addresses of every member, comma-separated, for {@code --connect}. */
    public String clientAddresses() {
        return members.stream().map(NodeConfig.Member::clientAddress).collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (int id = 1; id < nodes.length; id++) {
            try {
                stopNode(id);
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }
}
