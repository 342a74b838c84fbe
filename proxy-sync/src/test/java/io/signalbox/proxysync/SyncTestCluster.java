package io.signalbox.proxysync;

import io.signalbox.client.SignalboxClient;
import io.signalbox.state.Command;
import io.signalbox.testkit.HttpBackends;
import io.signalbox.testkit.ProcessCluster;
import io.signalbox.tls.DevCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What every end-to-end sync test class starts once: a 3-node cluster of real processes, a client of it, HTTP backends.
 * With {@link #startTls}, every port speaks TLS with client certificates required and roles checked.
 */
final class SyncTestCluster implements AutoCloseable {
    /** The admin identity of a TLS cluster ({@code auth.admin}): {@link #client} shows its certificate. */
    static final String ADMIN = "ctl";
    /** Holds read and report, the grants of a sync agent (docs/security.md#roles). */
    static final String AGENT = "agent";
    /** Holds read only. */
    static final String READER = "reader";
    /** A bearer token's identity ({@code auth.token.tokenagent}), granted read and report; its token is in {@link #tokenFile()}. */
    static final String TOKEN_AGENT = "tokenagent";

    final ProcessCluster cluster;
    final SignalboxClient client;
    final HttpBackends backends = new HttpBackends();
    /** Where {@link DevCertificates#createSet} wrote the CA, the nodes' and the clients' certificates; null: plaintext. */
    final Path certificates;

    private SyncTestCluster(ProcessCluster cluster, Path certificates) {
        this.cluster = cluster;
        this.client = cluster.client();
        this.certificates = certificates;
    }

    /** Node i on basePort+i, +100+i, +200+i, under {@code directory}/cluster; returns once there is a leader. */
    static SyncTestCluster start(Path directory, int basePort) throws Exception {
        return awaitLeader(new ProcessCluster(3, basePort, directory.resolve("cluster")), null);
    }

    /**
     * As {@link #start}, with TLS on every port, {@code tls.clientAuth=require} and {@code auth.admin=ctl};
     * certificates for the nodes, {@link #ADMIN}, {@link #AGENT} and {@link #READER} in {@code directory}/certs;
     * {@link #AGENT} is granted read and report, {@link #READER} read.
     */
    static SyncTestCluster startTls(Path directory, int basePort) throws Exception {
        Path certificates = directory.resolve("certs");
        DevCertificates.createSet(certificates, 3, List.of(ADMIN, AGENT, READER), List.of("127.0.0.1"), Duration.ofDays(1));
        String token = "sync-test-token-" + System.nanoTime();
        Files.writeString(certificates.resolve(TOKEN_AGENT + ".token"), token + "\n");
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        SyncTestCluster fixture = awaitLeader(ProcessCluster.withTls(3, basePort, directory.resolve("cluster"), certificates, ADMIN,
                Map.of("tls.clientAuth", "require", "auth.admin", ADMIN, "auth.token." + TOKEN_AGENT, "sha256:" + hash)), certificates);
        try {
            for (String identity : List.of(AGENT, TOKEN_AGENT)) {
                fixture.client.submit(new Command.GrantRole(identity, "read", null));
                fixture.client.submit(new Command.GrantRole(identity, "report", null));
            }
            fixture.client.submit(new Command.GrantRole(READER, "read", null));
        } catch (RuntimeException e) {
            fixture.close();
            throw e;
        }
        return fixture;
    }

    private static SyncTestCluster awaitLeader(ProcessCluster cluster, Path certificates) throws Exception {
        try {
            cluster.awaitLeader(SyncTestSupport.LIMIT);
        } catch (RuntimeException | InterruptedException e) {
            cluster.close();
            throw e;
        }
        return new SyncTestCluster(cluster, certificates);
    }

    /** The file holding {@link #TOKEN_AGENT}'s bearer token (a TLS cluster only). */
    Path tokenFile() {
        return certificates.resolve(TOKEN_AGENT + ".token");
    }

    /** The flags that make an agent connect over TLS as {@code identity} (its certificate from this cluster's CA). */
    String[] tlsFlags(String identity) {
        return new String[] {"--ca", certificates.resolve("ca.pem").toString(), "--cert", certificates.resolve(identity + ".pem").toString(),
            "--key", certificates.resolve(identity + ".key").toString()};
    }

    @Override
    public void close() {
        backends.close();
        client.close();
        cluster.close();
    }
}
