package io.signalbox.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslProvider;
import io.signalbox.proto.peer.PeerEnvelope;
import io.signalbox.server.NodeConfig;
import io.signalbox.server.node.SignalboxNode;
import io.signalbox.tls.DevCertificates;
import io.signalbox.tls.PemTls;
import io.signalbox.tls.TlsFiles;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * One real node (member 3 of 3, so it dials no one) with TLS on its three ports on 127.0.0.1,
 * and clients that do it wrong: each is refused, and the node's log says who and why.
 */
class TlsPortsTest {
    private static final int HANDSHAKE_TIMEOUT_MS = 600;
    private static final int BASE_PORT = 46_300;

    @TempDir
    Path directory;

    private DevCertificates.CreatedSet certificates;
    private SignalboxNode node;
    private NodeConfig.Member self;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void startNode() {
        certificates = DevCertificates.createSet(directory.resolve("certs"), 3, List.of("ctl"), List.of("127.0.0.1", "localhost"),
                Duration.ofDays(2));
        List<NodeConfig.Member> members = NodeConfig.localMembers(3, BASE_PORT);
        NodeConfig config = NodeConfig.local(3, members, directory.resolve("node3"))
                .withTls(new NodeConfig.Tls(certificates.files("node-3"), ClientAuth.REQUIRE, HANDSHAKE_TIMEOUT_MS));
        self = config.self();
        log.start();
        ((Logger) LoggerFactory.getLogger(NodeTls.class)).addAppender(log);
        ((Logger) LoggerFactory.getLogger(PeerTransport.class)).addAppender(log);
        ((Logger) LoggerFactory.getLogger(io.signalbox.tls.ReloadingSslContext.class)).addAppender(log);
        node = SignalboxNode.start(config);
    }

    @AfterEach
    void stopNode() {
        node.close();
        ((Logger) LoggerFactory.getLogger(NodeTls.class)).detachAppender(log);
        ((Logger) LoggerFactory.getLogger(PeerTransport.class)).detachAppender(log);
        ((Logger) LoggerFactory.getLogger(io.signalbox.tls.ReloadingSslContext.class)).detachAppender(log);
    }

    @Test
    void aPlaintextClientIsAnsweredInPlaintextThatTheClientPortRequiresTls() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", self.clientPort())) {
            socket.setSoTimeout(5_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(3);
            out.write(new byte[] {8, 1, 0});
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] answer = new byte[in.readInt()];
            in.readFully(answer);
            assertTrue(new String(answer, StandardCharsets.UTF_8).contains("requires TLS"), new String(answer, StandardCharsets.UTF_8));
            assertEquals(-1, in.read(), "the connection is closed after the answer");
            assertRefusalLogged(socket, "client", "plaintext on a TLS port");
        }
    }

    @Test
    void aPlaintextBrowserOnTheAdminPortIsToldToUseHttps() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", self.adminPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET /status HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 400") && answer.contains("use https://"), answer);
            assertRefusalLogged(socket, "admin", "plaintext on a TLS port");
        }
    }

    @Test
    void theAdminPortServesHttpsWithoutAClientCertificate() throws IOException {
        TlsFiles caOnly = new TlsFiles(certificates.ca(), null, null);
        try (SSLSocket socket = tlsSocket(caOnly, self.adminPort())) {
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 503"), "a lone node is not healthy, but it answered over HTTPS: " + answer);
        }
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws IOException {
        Path elsewhere = directory.resolve("other");
        DevCertificates.CreatedSet other = DevCertificates.createSet(elsewhere, 3, List.of("ctl"), List.of("127.0.0.1"), Duration.ofDays(2));
        // It trusts our CA (so the server side is fine) but shows a certificate our CA did not sign.
        TlsFiles foreign = new TlsFiles(certificates.ca(), other.files("ctl").cert(), other.files("ctl").key());
        assertHandshakeRefused(foreign, self.clientPort(), "client");
        assertHandshakeRefused(new TlsFiles(certificates.ca(), other.files("node-1").cert(), other.files("node-1").key()),
                self.peerPort(), "peer");
    }

    @Test
    void anExpiredCertificateIsRefused() throws IOException {
        Instant now = Instant.now();
        TlsFiles expired = certificates.authority().issue("ctl-old", DevCertificates.Use.CLIENT, List.of(), now.minus(Duration.ofDays(3)),
                now.minus(Duration.ofDays(1))).write(directory, "expired", certificates.ca());
        assertHandshakeRefused(expired, self.clientPort(), "client");
        assertTrue(lines().stream().anyMatch(line -> line.contains("validity") || line.contains("expired")), lines().toString());
    }

    @Test
    void aClientWithoutACertificateIsRefusedWhenTheyAreRequired() throws IOException {
        assertHandshakeRefused(new TlsFiles(certificates.ca(), null, null), self.clientPort(), "client");
    }

    @Test
    void aValidCertificateThatNamesNoMemberIsRefusedOnThePeerPort() throws IOException {
        try (SSLSocket socket = tlsSocket(certificates.files("ctl"), self.peerPort())) {
            assertClosedByTheNode(socket);
            assertRefusalLogged(socket, "peer", "CN=ctl) names no member");
        }
    }

    @Test
    void aPeerWhoseHelloClaimsAnotherMembersIdIsRefused() throws IOException {
        try (SSLSocket socket = tlsSocket(certificates.files("node-1"), self.peerPort())) {
            sayHello(socket, 2);
            assertClosedByTheNode(socket);
            assertRefusalLogged(socket, "peer", "its hello claims member 2 but its certificate names member 1");
        }
    }

    @Test
    void aPeerOfAnotherClusterIsRefusedNamingBothClusters() throws IOException {
        try (SSLSocket socket = tlsSocket(certificates.files("node-1"), self.peerPort())) {
            byte[] hello = PeerEnvelope.newBuilder().setFrom(1).setClusterName("edge-us").build().toByteArray();
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(hello.length);
            out.write(hello);
            out.flush();
            assertClosedByTheNode(socket);
            awaitLine("it says hello as member 1 of cluster \"edge-us\", this node is of cluster \"signalbox\" (clusterName)");
        }
    }

    @Test
    void aPeerWhoseHelloMatchesItsCertificateIsLinked() throws IOException {
        try (SSLSocket socket = tlsSocket(certificates.files("node-1"), self.peerPort())) {
            sayHello(socket, 1);
            awaitLine("link to peer 1 up");
            socket.setSoTimeout(300);
            try {
                assertNotEquals(-1, socket.getInputStream().read(), "the link stays open");
            } catch (SocketTimeoutException quiet) {
                // open and quiet: what a linked peer sees from a node with nothing to say
            }
        }
    }

    @Test
    void aStalledHandshakeIsClosedAfterTheTimeout() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", self.clientPort())) {
            long started = System.nanoTime();
            socket.setSoTimeout(HANDSHAKE_TIMEOUT_MS * 10);
            assertEquals(-1, socket.getInputStream().read(), "the node closes a connection that never starts its handshake");
            long waitedMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(waitedMs >= HANDSHAKE_TIMEOUT_MS - 100 && waitedMs < HANDSHAKE_TIMEOUT_MS * 5, "closed after " + waitedMs + " ms");
            assertRefusalLogged(socket, "client", "timed out");
        }
    }

    @Test
    void aRotatedCertificateIsUsedByTheNextConnection() throws IOException {
        X509Certificate before;
        try (SSLSocket socket = tlsSocket(certificates.files("ctl"), self.clientPort())) {
            before = (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
        certificates.authority().issue("signalbox-node-3", DevCertificates.Use.NODE, List.of("127.0.0.1"), Duration.ofDays(5))
                .write(certificates.dir(), "node-3", certificates.ca());
        X509Certificate after;
        try (SSLSocket socket = tlsSocket(certificates.files("ctl"), self.clientPort())) {
            after = (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
        assertNotEquals(before.getSerialNumber(), after.getSerialNumber(), "the new connection got the rotated certificate");
        assertTrue(after.getNotAfter().after(before.getNotAfter()));
        awaitLine("TLS files changed; new connections use");
    }

    // ---- helpers ----

    private static SSLSocket tlsSocket(TlsFiles files, int port) throws IOException {
        JdkSslContext context = (JdkSslContext) PemTls.client(files, SslProvider.JDK); // for its javax.net.ssl.SSLContext
        SSLSocket socket = (SSLSocket) context.context().getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        socket.setSoTimeout(5_000);
        socket.startHandshake();
        return socket;
    }

    private void assertHandshakeRefused(TlsFiles files, int port, String portName) throws IOException {
        // With TLS 1.3 the client may finish before the server has checked its certificate: the refusal
        // then shows as an alert or a closed connection on the first read.
        try (SSLSocket socket = tlsSocket(files, port)) {
            assertThrows(IOException.class, () -> {
                socket.getOutputStream().write(new byte[] {0, 0, 0, 1, 0});
                if (socket.getInputStream().read() == -1) {
                    throw new IOException("closed");
                }
            });
            assertRefusalLogged(socket, portName, "TLS handshake failed");
        } catch (SSLException refusedDuringHandshake) {
            awaitLine("refused a connection on the " + portName + " port from /127.0.0.1:");
        }
    }

    private static void sayHello(Socket socket, int from) throws IOException {
        byte[] hello = PeerEnvelope.newBuilder().setFrom(from).build().toByteArray();
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(hello.length);
        out.write(hello);
        out.flush();
    }

    private static void assertClosedByTheNode(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            assertEquals(-1, in.read());
        } catch (SSLException alert) {
            // closed with an alert: refused all the same
        }
    }

    private void assertRefusalLogged(Socket socket, String port, String reason) {
        String expected = "refused a connection on the " + port + " port from /127.0.0.1:" + socket.getLocalPort();
        String line = awaitLine(expected);
        assertTrue(line.contains(reason), "the refusal says why (" + reason + "): " + line);
    }

    /** The first log line containing {@code text}, waiting up to 5 s for the node's thread to write it. */
    private String awaitLine(String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : lines()) {
                if (line.contains(text)) {
                    return line;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no log line with \"" + text + "\" in " + lines());
    }

    private List<String> lines() {
        synchronized (log) {
            return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }
}
