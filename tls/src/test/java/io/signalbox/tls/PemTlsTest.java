package io.signalbox.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTlsTest {
    @TempDir
    Path dir;

    @Test
    void theProviderIsBoringSslWhereItLoadsAndTheJdksOnRequestOrElsewhere() {
        assertEquals(SslProvider.JDK, PemTls.chooseProvider("jdk"));
        assertEquals(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK, PemTls.chooseProvider("auto"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> PemTls.chooseProvider("gnutls"));
        assertTrue(bad.getMessage().contains("signalbox.tls.provider=gnutls: auto, openssl or jdk"), bad.getMessage());
    }

    @Test
    void bothProvidersLoadTheSameFiles() {
        DevCertificates.CreatedSet set = DevCertificates.createSet(dir, 3, List.of("ctl"), List.of("127.0.0.1"), Duration.ofDays(1));
        for (SslProvider provider : OpenSsl.isAvailable() ? List.of(SslProvider.JDK, SslProvider.OPENSSL) : List.of(SslProvider.JDK)) {
            assertTrue(PemTls.server(set.files("node-1"), ClientAuth.REQUIRE, provider).isServer(), provider.name());
            assertTrue(PemTls.client(set.files("ctl"), provider).isClient(), provider.name());
        }
        IllegalArgumentException mismatched = assertThrows(IllegalArgumentException.class,
                () -> PemTls.server(new TlsFiles(set.ca(), set.files("node-1").cert(), set.files("node-2").key()), ClientAuth.REQUIRE));
        assertTrue(mismatched.getMessage().contains("does not match the certificate"), mismatched.getMessage());
    }
}
