package io.signalbox.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The development certificates, how they name members, and the contexts built from their files. */
class DevCertificatesTest {
    @TempDir
    Path dir;

    @Test
    void aSetHasACaNodesNamedAsMembersAndClientsSignedByIt() throws Exception {
        DevCertificates.CreatedSet set = DevCertificates.createSet(dir, 3, List.of("ctl", "agent"), List.of("127.0.0.1", "node1.example"),
                Duration.ofDays(10));
        assertEquals(2 + 3 * 2 + 2 * 2, set.written().size());
        X509Certificate ca = read(set.ca());
        X509Certificate node2 = read(dir.resolve("node-2.pem"));
        X509Certificate ctl = read(dir.resolve("ctl.pem"));
        node2.verify(ca.getPublicKey());
        ctl.verify(ca.getPublicKey());
        assertEquals("signalbox-node-2", MemberNames.commonName(node2));
        assertEquals(OptionalInt.of(2), MemberNames.memberId(MemberNames.commonName(node2)));
        assertEquals(OptionalInt.empty(), MemberNames.memberId(MemberNames.commonName(ctl)));
        assertTrue(node2.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")), "server and client auth");
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), ctl.getExtendedKeyUsage(), "client auth only");
        assertEquals(2, node2.getSubjectAlternativeNames().size());
        assertTrue(ca.getBasicConstraints() >= 0 && node2.getBasicConstraints() == -1, "only the CA signs");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(dir.resolve("ctl.key")));
        SslContext server = PemTls.server(set.files("node-1"), ClientAuth.REQUIRE);
        SslContext client = PemTls.client(set.files("ctl"));
        assertTrue(server.isServer() && client.isClient());
    }

    @Test
    void badRequestsAreRefusedAndWriteNothing() throws Exception {
        assertRefused(() -> DevCertificates.createSet(dir, 0, List.of(), List.of(), Duration.ofDays(1)), "--nodes 0");
        assertRefused(() -> DevCertificates.createSet(dir, 3, List.of("signalbox-node-7"), List.of(), Duration.ofDays(1)), "names a member");
        assertRefused(() -> DevCertificates.createSet(dir, 3, List.of("a b"), List.of(), Duration.ofDays(1)), "--client \"a b\"");
        assertRefused(() -> DevCertificates.createSet(dir, 3, List.of("ctl", "ctl"), List.of(), Duration.ofDays(1)), "must differ");
        assertRefused(() -> DevCertificates.createSet(dir, 3, List.of(), List.of("bad host!"), Duration.ofDays(1)), "--host \"bad host!\"");
        assertRefused(() -> DevCertificates.createSet(dir, 3, List.of(), List.of(), Duration.ZERO), "validity");
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "nothing written");
        }
        DevCertificates.createSet(dir, 3, List.of(), List.of(), Duration.ofDays(1));
        String before = Files.readString(dir.resolve("ca.pem"));
        assertRefused(() -> DevCertificates.createSet(dir, 3, List.of(), List.of(), Duration.ofDays(1)), "already holds a ca.pem");
        assertEquals(before, Files.readString(dir.resolve("ca.pem")), "the existing CA is kept");
    }

    @Test
    void clientFilesComeFromValuesThenTheEnvironment() throws Exception {
        DevCertificates.CreatedSet set = DevCertificates.createSet(dir, 3, List.of("agent"), List.of(), Duration.ofDays(1));
        Map<String, String> environment = Map.of(TlsSettings.CA_ENV, set.ca().toString(), TlsSettings.CERT_ENV,
                dir.resolve("agent.pem").toString(), TlsSettings.KEY_ENV, dir.resolve("agent.key").toString());
        assertEquals(set.files("agent"), TlsSettings.fromValues(Map.of(), environment));
        assertEquals(new TlsFiles(set.ca(), null, null), TlsSettings.fromValues(Map.of("ca", set.ca().toString()), Map.of()));
        assertEquals(null, TlsSettings.fromValues(Map.of(), Map.of()), "nothing given: plaintext");
        assertRefused(() -> TlsSettings.fromValues(Map.of("cert", dir.resolve("agent.pem").toString(), "key",
                dir.resolve("agent.key").toString()), Map.of()), "need --ca too");
    }

    @Test
    void aReloadingContextFollowsItsFilesAndKeepsTheLastGoodOneWhenTheyDoNotLoad() throws Exception {
        DevCertificates.CreatedSet set = DevCertificates.createSet(dir, 3, List.of(), List.of(), Duration.ofDays(1));
        ReloadingSslContext reloading = new ReloadingSslContext("test", set.files("node-1"), f -> PemTls.server(f, ClientAuth.REQUIRE));
        SslContext first = reloading.current();
        assertEquals(first, reloading.current(), "unchanged files: the same context");
        Path cert = dir.resolve("node-1.pem");
        Files.writeString(cert, Files.readString(dir.resolve("node-2.pem"))); // a rotation half done: the key is still node 1's
        Files.setLastModifiedTime(cert, FileTime.from(Instant.now().plusSeconds(2)));
        assertEquals(first, reloading.current(), "files that do not load leave the previous context in use");
        set.authority().issue("signalbox-node-1", DevCertificates.Use.NODE, List.of(), Duration.ofDays(2)).write(dir, "node-1", set.ca());
        Files.setLastModifiedTime(cert, FileTime.from(Instant.now().plusSeconds(4)));
        SslContext rotated = reloading.current();
        assertTrue(rotated != first, "the rotated files give a new context");
        assertThrows(IllegalArgumentException.class, () -> new ReloadingSslContext("test", new TlsFiles(set.ca(),
                dir.resolve("node-2.pem"), dir.resolve("node-3.key")), f -> PemTls.server(f, ClientAuth.REQUIRE)), "bad files fail at start");
    }

    private static X509Certificate read(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static void assertRefused(org.junit.jupiter.api.function.Executable call, String mention) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(mention), "\"" + e.getMessage() + "\" should mention " + mention);
    }
}
