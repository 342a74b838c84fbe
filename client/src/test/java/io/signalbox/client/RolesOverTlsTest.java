package io.signalbox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.ReadResult;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.server.LocalCluster;
import io.signalbox.server.NodeConfig;
import io.signalbox.state.Command;
import io.signalbox.tls.DevCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real nodes in one JVM over TLS with client certificates: {@code ctl} is admin by the
 * nodes' configuration and grants {@code ops} operate on web only; the identity is the
 * certificate's CN, or a token's name when the connection sent one.
 */
class RolesOverTlsTest {
    private static final String DEPLOY_TOKEN = "deploy-token-for-the-test-only";

    @TempDir
    Path directory;

    @Test
    void anOperatorOfWebDrainsWebIsRefusedApiAndIsRefusedEverythingOnceRevoked() throws Exception {
        DevCertificates.CreatedSet certs = DevCertificates.createSet(directory.resolve("certs"), 3, List.of("ctl", "ops"),
                List.of("127.0.0.1", "localhost"), Duration.ofDays(1));
        NodeConfig.Auth auth = new NodeConfig.Auth(Set.of("ctl"), Map.of("deploy", sha256Hex(DEPLOY_TOKEN)));
        try (LocalCluster cluster = LocalCluster.start(3, 29_100, directory.resolve("nodes"), certs.dir(), auth);
             SignalboxClient admin = new SignalboxClient(options(cluster).withTls(certs.files("ctl")))) {
            for (String service : List.of("web", "api")) {
                admin.submit(new Command.PutService(service, "http", service.equals("web") ? 8080 : 8081, "roundrobin", null, 1000, 1000,
                        1000, null));
                admin.submit(new Command.RegisterServer(service, service + "-1", "10.0.0.1", 80, 10, "ready", false, Map.of(), 0, null));
            }
            admin.submit(new Command.GrantRole("ops", "operate", "web"));
            try (SignalboxClient ops = new SignalboxClient(onLeader(admin).withTls(certs.files("ops")))) {
                operateWebOnly(admin, ops);
            }
        }
    }

    private static void operateWebOnly(SignalboxClient admin, SignalboxClient ops) {
        long drained = ops.submit(new Command.SetState("web", "web-1", "drain", null)).zxid();
        long digest = admin.read(Consistency.LINEARIZABLE, "").configuration().digest();
        SignalboxException api = assertThrows(SignalboxException.class,
                () -> ops.submit(new Command.SetState("api", "api-1", "drain", null)));
        assertEquals(ErrorCode.PERMISSION_DENIED, api.code());
        assertTrue(api.getMessage().startsWith("ops may not set server api/api-1 to drain: that needs operate on api, and ops "
                + "holds operate on web"), api.getMessage());
        ReadResult after = admin.read(Consistency.LINEARIZABLE, "");
        assertEquals(digest, after.configuration().digest(), "the refusal changed nothing");
        assertEquals(drained, after.zxid(), "the refusal appended nothing");

        List<StreamEntry> history = ops.history(0, 100).entries();
        StreamEntry last = history.get(history.size() - 1);
        assertEquals(List.of("ctl", "ops"), List.of(history.get(0).identity(), last.identity()), "who changed what: " + history);
        assertEquals(Set.of("ops"), after.grants().keySet());

        for (int i = 0; i < 3; i++) {
            ops.read(Consistency.LOCAL, "web"); // a LOCAL read of one service: answered off the node's loop once cached
        }
        admin.submit(new Command.RevokeRole("ops", "operate", "web"));
        for (Consistency consistency : Consistency.values()) {
            SignalboxException revoked = assertThrows(SignalboxException.class, () -> ops.read(consistency, "web"));
            assertEquals(ErrorCode.PERMISSION_DENIED, revoked.code(), consistency + ": the same open connection, refused from its "
                    + "next request");
            assertTrue(revoked.getMessage().contains("ops holds no role"), revoked.getMessage());
        }
    }

    @Test
    void aTokenNamesTheConnectionAndAWrongOneIsRefused() throws Exception {
        DevCertificates.CreatedSet certs = DevCertificates.createSet(directory.resolve("certs"), 3, List.of("ctl"),
                List.of("127.0.0.1", "localhost"), Duration.ofDays(1));
        NodeConfig.Auth auth = new NodeConfig.Auth(Set.of("ctl"), Map.of("deploy", sha256Hex(DEPLOY_TOKEN)));
        try (LocalCluster cluster = LocalCluster.start(3, 29_400, directory.resolve("nodes"), certs.dir(), auth)) {
            try (SignalboxClient deploy = new SignalboxClient(options(cluster).withTls(certs.files("ctl")).withToken(DEPLOY_TOKEN))) {
                SignalboxException refused = assertThrows(SignalboxException.class, () -> deploy.read(Consistency.LOCAL, ""));
                assertEquals(ErrorCode.PERMISSION_DENIED, refused.code());
                assertTrue(refused.getMessage().startsWith("deploy may not read the configuration"), refused.getMessage());
            }
            try (SignalboxClient wrong = new SignalboxClient(options(cluster).withTls(certs.files("ctl")).withToken("not-the-token"))) {
                SignalboxException refused = assertThrows(SignalboxException.class, () -> wrong.read(Consistency.LOCAL, ""));
                assertEquals(ErrorCode.PERMISSION_DENIED, refused.code());
                assertTrue(refused.getMessage().contains("refused the token"), refused.getMessage());
            }
        }
    }

    /**
     * Only the leader's address: it has applied an entry before it answers the command, so what
     * a revoke changes holds for the very next request there (a follower may lag a tick).
     */
    private static ClientOptions onLeader(SignalboxClient admin) {
        var status = admin.status(); // the answering node's view: it names its leader, whose address it knows
        String leader = status.members().stream().filter(m -> m.id() == status.self().leaderId()).findFirst()
                .orElseThrow(() -> new AssertionError("no leader in " + status)).clientAddress();
        return ClientOptions.of(leader).withRetryDeadlineMs(5_000);
    }

    private static ClientOptions options(LocalCluster cluster) {
        return ClientOptions.of(cluster.clientAddresses()).withRetryDeadlineMs(5_000);
    }

    private static String sha256Hex(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }
}
