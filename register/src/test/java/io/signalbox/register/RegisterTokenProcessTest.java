package io.signalbox.register;

import static io.signalbox.register.ProxiedCluster.LIMIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.state.Command;
import io.signalbox.testkit.ProcessCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sidecar with {@code tokenFile} acts as the token's identity: on a cluster that checks roles
 * ({@code auth.admin}) it registers its server only because the token's identity holds
 * {@code operate}, and the history says the change was by it; without the token the same
 * sidecar is anonymous and registers nothing.
 */
class RegisterTokenProcessTest {
    private static String sha256(String token) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aSidecarWithATokenFileRegistersAsTheTokensIdentityAndWithoutItNothing(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path directory)
            throws Exception {
        String adminToken = "admin-token-" + System.nanoTime();
        String sidecarToken = "sidecar-token-" + System.nanoTime();
        Path tokenFile = Files.writeString(directory.resolve("web-sidecar.token"), sidecarToken + "\n");
        try (ProcessCluster cluster = new ProcessCluster(3, ProxiedCluster.clusterBase(), directory.resolve("cluster"), "--set", "auth.admin=lead",
                "--set", "auth.token.lead=" + sha256(adminToken), "--set", "auth.token.web-sidecar=" + sha256(sidecarToken));
             SignalboxClient admin = new SignalboxClient(ClientOptions.of(cluster.addresses()).withToken(adminToken).withRetryDeadlineMs(30_000));
             TestBackend backend = TestBackend.start("tok-1")) {
            // The client retries until a leader is elected; anonymous (what awaitLeader asks as) may not read here.
            admin.submit(new Command.PutService("tok", "http", 1, "roundrobin", null, 1_000, 1_000, 1_000, null));
            admin.submit(new Command.GrantRole("web-sidecar", "operate", "tok"));
            Map<String, String> registration = Map.of("connect", cluster.addresses(), "registration.tok-1.service", "tok",
                    "registration.tok-1.address", "127.0.0.1", "registration.tok-1.port", String.valueOf(backend.port()),
                    "registration.tok-1.intervalMs", "100");

            try (ProcessUnderTest anonymous = new ProcessUnderTest(RegisterMain.class.getName(), ProcessUnderTest.SIDECAR_HEAP, registration,
                    directory.resolve("anonymous.log")).start()) {
                ProcessCluster.await("the anonymous sidecar is refused", LIMIT, () -> logOf(anonymous).contains("PERMISSION_DENIED"));
                assertTrue(logOf(anonymous).contains("anonymous may not"), logOf(anonymous));
                assertEquals(List.of(), servers(admin), "nothing registered without an identity");
                anonymous.terminate(30);
            }

            Map<String, String> withToken = new java.util.HashMap<>(registration);
            withToken.put("tokenFile", tokenFile.toString());
            try (ProcessUnderTest sidecar = new ProcessUnderTest(RegisterMain.class.getName(), ProcessUnderTest.SIDECAR_HEAP, withToken,
                    directory.resolve("sidecar.log")).start()) {
                ProcessCluster.await("tok-1 registered by the token's identity", LIMIT, () -> servers(admin).equals(List.of("tok-1")));
                List<StreamEntry> history = admin.history(0, 1_000).entries();
                assertTrue(history.stream().anyMatch(e -> e.identity().equals("web-sidecar") && e.events().toString().contains("tok-1")),
                        "the history says who registered it: " + history);
                assertFalse(logOf(sidecar).contains(sidecarToken), "the token is never logged");
                assertEquals(0, sidecar.terminate(30), logOf(sidecar));
            }
        }
    }

    private static List<String> servers(SignalboxClient client) {
        return client.read(Consistency.LINEARIZABLE, "tok").configuration().servers().getOrDefault("tok", List.of()).stream()
                .map(io.signalbox.state.Server::name).toList();
    }

    private static String logOf(ProcessUnderTest process) {
        try {
            return process.log();
        } catch (IOException e) {
            return "";
        }
    }
}
