package io.signalbox.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.ClientAuth;
import io.signalbox.tls.DevCertificates;
import io.signalbox.tls.TlsFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
    @TempDir
    Path directory;

    private static Map<String, String> valid() {
        Map<String, String> values = new TreeMap<>();
        values.put("id", "2");
        values.put("member.1", "127.0.0.1:7001:7101:7201");
        values.put("member.2", "127.0.0.1:7002:7102:7202");
        values.put("member.3", "127.0.0.1:7003:7103:7203");
        values.put("dataDir", "/tmp/x");
        return values;
    }

    @Test
    void aFileIsReadAndFlagsOverrideIt() throws Exception {
        Path file = directory.resolve("signalbox.conf");
        StringBuilder text = new StringBuilder();
        valid().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, text + "tickMs=20\n");
        NodeConfig config = NodeConfig.load(file, Map.of("id", "3", "tickMs", "25"));
        assertEquals(3, config.id());
        assertEquals(25, config.tickMs());
        assertEquals("127.0.0.1:7103", config.self().clientAddress());
        assertEquals(10_000, config.snapshotEveryEntries(), "defaults fill the rest");
    }

    @Test
    void everyBadValueIsRefusedWithItsKeyValueAndWhatIsAllowed() {
        assertRefused(Map.of("tickMs", "0"), "tickMs=0", "1..10000");
        assertRefused(Map.of("tickMs", "fast"), "tickMs=fast", "whole number");
        assertRefused(Map.of("id", "9"), "id=9", "member ids");
        assertRefused(Map.of("member.3", "127.0.0.1:7003:7103"), "member.3", "host:peerPort:clientPort:adminPort");
        assertRefused(Map.of("member.3", "127.0.0.1:7003:99999:7203"), "member.3", "1..65535");
        assertRefused(Map.of("member.3", "127.0.0.1:7002:7103:7203"), "member.3", "used once");
        assertRefused(Map.of("tikMs", "50"), "tikMs", "unknown key");
        assertRefused(Map.of("clusterName", "edge eu"), "clusterName=edge eu", "1 to 64 of A-Z a-z 0-9 . _ -");
        assertRefused(Map.of("member.4", "127.0.0.1:7004:7104:7204", "member.5", "127.0.0.1:7005:7105:7205",
                "member.6", "127.0.0.1:7006:7106:7206", "member.7", "127.0.0.1:7007:7107:7207", "member.8", "127.0.0.1:7008:7108:7208"),
                "8 voters", "3 to 7 voters");
        assertRefused(Map.of("observers", "9"), "observers=9", "one of the member ids");
        assertRefused(Map.of("observers", "x"), "observers=x", "comma-separated list of member ids");
        assertRefused(Map.of("member.4", "127.0.0.1:7004:7104:7204", "observers", "3,4"), "2 voters (members but the observers [3, 4])",
                "3 to 7 voters");
        Map<String, String> noData = valid();
        noData.remove("dataDir");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.fromMap(noData));
        assertTrue(e.getMessage().contains("dataDir"), e.getMessage());
    }

    @Test
    void observersAreMembersThatDoNotVote() {
        Map<String, String> values = valid();
        values.put("member.8", "127.0.0.1:7008:7108:7208");
        values.put("observers", "8");
        values.put("id", "8");
        NodeConfig config = NodeConfig.fromMap(values);
        assertEquals(List.of(1, 2, 3), config.voterIds());
        assertEquals(4, config.members().size());
        assertEquals(Set.of(8), config.observers());
    }

    private static void assertRefused(Map<String, String> change, String... mentions) {
        Map<String, String> values = valid();
        values.putAll(change);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.fromMap(values));
        for (String mention : mentions) {
            assertTrue(e.getMessage().contains(mention), "\"" + e.getMessage() + "\" should mention " + mention);
        }
    }

    @Test
    void tlsKeysAreCheckedOneByOne() {
        DevCertificates.CreatedSet certs = DevCertificates.createSet(directory.resolve("certs"), 3, List.of("ctl"), List.of("127.0.0.1"),
                Duration.ofDays(1));
        TlsFiles node2 = certs.files("node-2");
        assertRefused(Map.of("tls.ca", node2.ca().toString()), "tls.cert=(missing)", "go together");
        assertRefused(Map.of("tls.ca", node2.ca().toString(), "tls.cert", node2.cert().toString(), "tls.key", "/nonexistent.key"),
                "tls.key=/nonexistent.key", "readable PEM file");
        assertRefused(Map.of("tls.ca", node2.ca().toString(), "tls.cert", node2.cert().toString(),
                "tls.key", certs.files("node-1").key().toString()), "tls.cert=" + node2.cert(), "does not match the certificate");
        assertRefused(tls(node2, "tls.clientAuth", "maybe"), "tls.clientAuth=maybe", "require, optional or none");
        assertRefused(tls(node2, "tls.handshakeTimeoutMs", "5"), "tls.handshakeTimeoutMs=5", "100..120000");
        assertRefused(Map.of("insecure", "yes"), "insecure=yes", "true or false");
        NodeConfig config = NodeConfig.fromMap(merged(tls(node2, "tls.clientAuth", "optional")));
        assertEquals(ClientAuth.OPTIONAL, config.tls().clientAuth());
        assertEquals(NodeConfig.HANDSHAKE_TIMEOUT_MS_DEFAULT, config.tls().handshakeTimeoutMs());
        assertEquals(null, NodeConfig.fromMap(valid()).tls(), "no tls.* keys: plaintext");
    }

    @Test
    void membersBeyondLoopbackNeedTlsWithClientCertificatesOrInsecure() {
        DevCertificates.CreatedSet certs = DevCertificates.createSet(directory.resolve("certs"), 3, List.of(), List.of("127.0.0.1"),
                Duration.ofDays(1));
        // Names only: nothing is resolved or bound by a configuration check.
        Map<String, String> network = Map.of("member.1", "node1.example:7001:7101:7201", "member.3", "192.0.2.3:7003:7103:7203");
        assertRefused(network, "member.*=node1.example,192.0.2.3", "need TLS", "insecure=true");
        Map<String, String> optional = new TreeMap<>(network);
        optional.putAll(tls(certs.files("node-2"), "tls.clientAuth", "optional"));
        assertRefused(optional, "tls.clientAuth=optional", "must be require");
        Map<String, String> required = new TreeMap<>(network);
        required.putAll(tls(certs.files("node-2"), "tls.clientAuth", "require"));
        assertEquals(ClientAuth.REQUIRE, NodeConfig.fromMap(merged(required)).tls().clientAuth());
        Map<String, String> insecure = new TreeMap<>(network);
        insecure.put("insecure", "true");
        assertTrue(NodeConfig.fromMap(merged(insecure)).insecure());
        assertTrue(NodeConfig.loopback("127.0.0.2") && NodeConfig.loopback("localhost") && NodeConfig.loopback("::1"));
        assertTrue(!NodeConfig.loopback("127.example") && !NodeConfig.loopback("10.0.0.1") && !NodeConfig.loopback("0.0.0.0"));
    }

    @Test
    void aNodeOnANetworkMemberListWithoutTlsDoesNotStart() throws Exception {
        Path file = directory.resolve("signalbox.conf");
        Files.writeString(file, "id=1\nmember.1=127.0.0.1:7001:7101:7201\nmember.2=192.0.2.2:7002:7102:7202\n"
                + "member.3=192.0.2.3:7003:7103:7203\ndataDir=" + directory.resolve("data") + "\n");
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(2, ServerMain.run(file, Map.of(), new PrintStream(errors, true, StandardCharsets.UTF_8)));
        assertTrue(errors.toString(StandardCharsets.UTF_8).contains("members beyond loopback need TLS"), errors.toString());
        assertTrue(!Files.exists(directory.resolve("data")), "nothing was created");
    }

    @Test
    void authKeysNameAdminsAndTokenHashesAndRefuseTokensInTheClear() {
        String hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        NodeConfig config = NodeConfig.fromMap(merged(Map.of("auth.admin", "ctl, lead", "auth.token.deploy", "sha256:" + hash.toUpperCase())));
        assertEquals(java.util.Set.of("ctl", "lead"), config.auth().admins());
        assertEquals(Map.of("deploy", hash), config.auth().tokenHashes());
        assertEquals(NodeConfig.Auth.NONE, NodeConfig.fromMap(valid()).auth(), "no auth.* keys: no admin, no token");
        assertRefused(Map.of("auth.admin", "ops team"), "auth.admin=ops team", "\"ops team\" is not one");
        assertRefused(Map.of("auth.token.deploy", "the-token-itself"), "auth.token.deploy=(hidden)", "64 hex digits");
        IllegalArgumentException inTheClear = assertThrows(IllegalArgumentException.class,
                () -> NodeConfig.fromMap(merged(Map.of("auth.token.deploy", "the-token-itself"))));
        assertTrue(!inTheClear.getMessage().contains("the-token-itself"), "a token pasted by mistake is not echoed: " + inTheClear.getMessage());
        assertRefused(Map.of("auth.token.anonymous", "sha256:" + hash), "auth.token.anonymous", "not anonymous");
        assertRefused(Map.of("auth.admins", "ctl"), "auth.admins=ctl", "unknown key");
    }

    private static Map<String, String> tls(TlsFiles files, String key, String value) {
        return Map.of("tls.ca", files.ca().toString(), "tls.cert", files.cert().toString(), "tls.key", files.key().toString(), key, value);
    }

    private static Map<String, String> merged(Map<String, String> change) {
        Map<String, String> values = valid();
        values.putAll(change);
        return values;
    }
}
