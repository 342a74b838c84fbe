package io.signalbox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.HostPort;
import io.signalbox.protocol.ReadResult;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.server.LocalCluster;
import io.signalbox.server.NodeConfig;
import io.signalbox.state.Command;
import io.signalbox.tls.DevCertificates;
import io.signalbox.tls.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real nodes in one JVM with TLS on every port (peer links mutual), and the Java client over TLS. */
class TlsClusterTest {
    @TempDir
    Path directory;

    @Test
    void theClusterReplicatesOverTlsAndAClientWithACertificateWritesAndReads() {
        DevCertificates.CreatedSet certs = DevCertificates.createSet(directory.resolve("certs"), 3, List.of("ctl"),
                List.of("127.0.0.1", "localhost"), Duration.ofDays(1));
        try (LocalCluster cluster = LocalCluster.start(3, 28_000, directory.resolve("nodes"), certs.dir())) {
            ClientOptions options = ClientOptions.of(cluster.clientAddresses()).withTls(certs.files("ctl"));
            CommandResult put;
            try (SignalboxClient client = new SignalboxClient(options)) {
                client.submit(new Command.PutService("web", "http", 8080, "roundrobin", null, 1000, 1000, 1000, null));
                put = client.submit(new Command.RegisterServer("web", "web-1", "10.0.0.1", 80, 10, "ready", false, Map.of(), 0, null));
                ReadResult read = client.read(Consistency.LINEARIZABLE, "web");
                assertEquals(1, read.configuration().servers().get("web").size());
            }
            for (NodeConfig.Member m : cluster.members()) {
                ClientOptions one = ClientOptions.of(List.of(new HostPort(m.host(), m.clientPort()))).withTls(certs.files("ctl"));
                try (SignalboxClient client = new SignalboxClient(one)) {
                    ReadResult local = awaitApplied(client, put.zxid());
                    assertEquals(1, local.configuration().servers().get("web").size(), "node " + m.id() + " has the write");
                }
            }

            SignalboxException plaintext = assertThrows(SignalboxException.class, () -> {
                try (SignalboxClient client = new SignalboxClient(ClientOptions.of(cluster.clientAddresses()).withRetryDeadlineMs(2_000))) {
                    client.read(Consistency.LOCAL, "");
                }
            });
            assertTrue(plaintext.getMessage().contains("requires TLS"), "a plaintext client is told why: " + plaintext.getMessage());
            assertEquals(ErrorCode.MALFORMED, plaintext.code());

            SignalboxException noCertificate = assertThrows(SignalboxException.class, () -> {
                ClientOptions caOnly = ClientOptions.of(cluster.clientAddresses()).withRetryDeadlineMs(2_000)
                        .withTls(new TlsFiles(certs.ca(), null, null));
                try (SignalboxClient client = new SignalboxClient(caOnly)) {
                    client.read(Consistency.LOCAL, "");
                }
            });
            assertTrue(noCertificate.getMessage().contains("127.0.0.1:28"), noCertificate.getMessage());
        }
    }

    @Test
    void aClientRefusesANodeWhoseCertificateDoesNotNameItsAddress() {
        DevCertificates.CreatedSet certs = DevCertificates.createSet(directory.resolve("certs"), 3, List.of("ctl"),
                List.of("node.invalid"), Duration.ofDays(1));
        try (LocalCluster cluster = LocalCluster.start(3, 28_300, directory.resolve("nodes"), certs.dir())) {
            ClientOptions options = ClientOptions.of(cluster.clientAddresses()).withRetryDeadlineMs(2_000).withTls(certs.files("ctl"));
            SignalboxException refused = assertThrows(SignalboxException.class, () -> {
                try (SignalboxClient client = new SignalboxClient(options)) {
                    client.read(Consistency.LOCAL, "");
                }
            });
            assertTrue(refused.getMessage().contains("TLS handshake with 127.0.0.1:28"), refused.getMessage());
        }
    }

    /** A LOCAL read on a follower may lag the commit by a tick or two: retried for at most 5 s. */
    private static ReadResult awaitApplied(SignalboxClient client, long zxid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        ReadResult read = client.read(Consistency.LOCAL, "web");
        while (read.zxid() < zxid && System.nanoTime() < deadline) {
            read = client.read(Consistency.LOCAL, "web");
        }
        return read;
    }
}
