package io.signalbox.proxysync;

import static io.signalbox.proxysync.SyncTestSupport.LIMIT;
import static io.signalbox.proxysync.SyncTestSupport.awaitReported;
import static io.signalbox.proxysync.SyncTestSupport.awaitServed;
import static io.signalbox.proxysync.SyncTestSupport.server;
import static io.signalbox.proxysync.SyncTestSupport.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.client.SignalboxClient;
import io.signalbox.testkit.FreePorts;
import io.signalbox.testkit.HttpBackends;
import io.signalbox.testkit.ProcessCluster;
import io.signalbox.tls.DevCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with real processes on 127.0.0.1: a 3-node cluster with TLS on every port, client
 * certificates required and roles checked ({@code auth.admin=ctl}), and sync agents driving a real
 * HAProxy and a real Nginx over TLS; then the refusals an operator meets when an agent's
 * certificate or grants are wrong.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncOverTlsProcessTest {
    private Path directory;
    private SyncTestCluster fixture;
    private SignalboxClient client;
    /**
     * The proxies' listening ports come from the cluster's own block (its nodes use offsets 1 to
     * 3, 101 to 103 and 201 to 203), below the ephemeral range: a port from {@link FreePorts#one()}
     * is released before the proxy binds it and may be taken by an outgoing connection meanwhile.
     */
    private int nextPort;

    @BeforeAll
    void startCluster(@TempDir Path temporary) throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/sbin/haproxy")), "haproxy is not installed: apt-get install haproxy (.ci/run installs it)");
        assertTrue(Files.isExecutable(Path.of("/usr/sbin/nginx")), "nginx is not installed: apt-get install nginx (.ci/run installs it)");
        directory = temporary;
        int base = FreePorts.clusterBase(3);
        nextPort = base + 10;
        fixture = SyncTestCluster.startTls(directory, base);
        client = fixture.client;
    }

    @AfterAll
    void stopCluster() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static String[] flags(String[] tls, String... more) {
        return Stream.concat(Stream.of(tls), Stream.of(more)).toArray(String[]::new);
    }

    @Test
    void haproxyAndNginxAgentsOverTlsApplyChangesAndReportTheirZxid() throws Exception {
        int haproxyPort = nextPort++;
        int nginxPort = nextPort++;
        int a = fixture.backends.start("tls-a");
        int b = fixture.backends.start("tls-b");
        client.submit(service("tls-h", haproxyPort, "roundrobin"));
        client.submit(service("tls-n", nginxPort, "roundrobin"));
        client.submit(server("tls-h", "a", a, 1, 0));
        client.submit(server("tls-n", "a", a, 1, 0));
        String[] tls = fixture.tlsFlags(SyncTestCluster.AGENT);
        try (SyncAgentProcess haproxy = SyncAgentProcess.haproxy(directory.resolve("agent-tls-h"), fixture.cluster.addresses(),
                flags(tls, "--services", "tls-h", "--agent-id", "tls-haproxy")).start();
             SyncAgentProcess nginx = SyncAgentProcess.nginx(directory.resolve("agent-tls-n"), fixture.cluster.addresses(),
                     flags(tls, "--services", "tls-n", "--agent-id", "tls-nginx", "--version-port", String.valueOf(nextPort++),
                             "--nginx-mode", "reload")).start()) {
            awaitServed(haproxyPort, "tls-a");
            awaitServed(nginxPort, "tls-a");
            // A change made through the client reaches both proxies, and each agent reports the zxid it applied.
            client.submit(server("tls-h", "b", b, 1, 0));
            client.submit(server("tls-n", "b", b, 1, 0));
            client.submit(new io.signalbox.state.Command.DeregisterServer("tls-h", "a", null));
            client.submit(new io.signalbox.state.Command.DeregisterServer("tls-n", "a", null));
            SyncTestSupport.awaitOnly(haproxyPort, 20, "tls-b");
            SyncTestSupport.awaitOnly(nginxPort, 20, "tls-b");
            awaitReported(client, "tls-haproxy");
            awaitReported(client, "tls-nginx");
            assertEquals("", SyncTestSupport.latestReport(client, "tls-haproxy").failure());
            assertFalse(haproxy.log().contains("did not take its report"), haproxy.log());
            assertFalse(nginx.log().contains("did not take its report"), nginx.log());
        }
    }

    @Test
    void anAgentWithoutAClientCertificateOrWithAnotherCasIsRefusedAndAppliesNothing() throws Exception {
        int port = serviceWithOneServer("tls-refused", "refused-a");
        Path otherCa = directory.resolve("other-ca");
        DevCertificates.createSet(otherCa, 1, List.of(SyncTestCluster.AGENT), List.of("127.0.0.1"), Duration.ofDays(1));
        String ca = fixture.certificates.resolve("ca.pem").toString();
        List<String[]> wrong = List.of(
                new String[] {"--ca", ca},
                new String[] {"--ca", ca, "--cert", otherCa.resolve("agent.pem").toString(), "--key", otherCa.resolve("agent.key").toString()});
        List<String> says = List.of("the node requires a client certificate: give cert and key",
                "most often over this client's certificate (not signed by the CA in the node's tls.ca, or expired)");
        List<SyncAgentProcess> agents = new ArrayList<>();
        try {
            for (int i = 0; i < wrong.size(); i++) {
                agents.add(SyncAgentProcess.haproxy(directory.resolve("agent-refused-" + i), fixture.cluster.addresses(),
                        flags(wrong.get(i), "--services", "tls-refused", "--agent-id", "tls-refused-" + i)).start().awaitStarted());
            }
            for (int i = 0; i < agents.size(); i++) {
                SyncAgentProcess agent = agents.get(i);
                ProcessCluster.await("the agent in " + agent.stateDir + " says why it has no stream", LIMIT,
                        () -> logOf(agent).contains("event stream interrupted"));
                String line = logOf(agent).lines().filter(l -> l.contains("event stream interrupted")).findFirst().orElseThrow();
                assertTrue(line.contains("closed: TLS error: ") && line.contains(says.get(i)), "the agent says why it is refused: " + line);
            }
            ProcessCluster.await("the nodes log the refused handshakes", LIMIT, () -> nodeLogs().contains("refused a connection on the client port"));
            ProcessCluster.await("the nodes log both refusals with their reasons", LIMIT,
                    () -> nodeLogs().contains("PKIX path") && (nodeLogs().contains("PEER_DID_NOT_RETURN_A_CERTIFICATE")
                            || nodeLogs().contains("Empty client certificate chain")));
            assertTrue(nodeLogs().contains("TLS handshake failed"), "the node says why");
            for (int i = 0; i < agents.size(); i++) {
                SyncAgentProcess agent = agents.get(i);
                assertTrue(agent.alive(), "a refused agent keeps trying (the certificate may be fixed): " + logOf(agent));
                assertEquals(List.of(), agent.servers("tls-refused"), "nothing is applied: " + logOf(agent));
                assertTrue(HttpBackends.get(port).startsWith("failed"), "nothing serves the service's port");
                assertTrue(SyncTestSupport.report(client, "tls-refused-" + i).isEmpty(), "no report reaches the cluster");
            }
        } finally {
            for (SyncAgentProcess agent : agents) {
                agent.close();
            }
        }
    }

    @Test
    void anAgentThatMayOnlyReadAppliesChangesButItsReportIsRefused() throws Exception {
        int port = serviceWithOneServer("tls-reader", "reader-a");
        try (SyncAgentProcess agent = SyncAgentProcess.haproxy(directory.resolve("agent-reader"), fixture.cluster.addresses(),
                flags(fixture.tlsFlags(SyncTestCluster.READER), "--services", "tls-reader", "--agent-id", "tls-reader")).start()) {
            awaitServed(port, "reader-a");
            ProcessCluster.await("the agent logs the refused report", LIMIT, () -> logOf(agent).contains("did not take its report"));
            String line = logOf(agent).lines().filter(l -> l.contains("did not take its report")).findFirst().orElseThrow();
            assertTrue(line.contains("PERMISSION_DENIED") && line.contains("reader may not report what proxy agent tls-reader applied")
                    && line.contains("that needs report") && line.contains("reader holds read"), line);
            assertEquals(1, logOf(agent).lines().filter(l -> l.contains("did not take its report")).count(),
                    "one line for the refusal, not one per repeat");
            assertTrue(SyncTestSupport.report(client, "tls-reader").isEmpty(), "the cluster recorded no report from it");
            assertTrue(nodeLogs().contains("refused a request from reader"), "the node that decided logs it");
        }
    }

    @Test
    void anAgentWithABearerTokenActsAsTheTokensIdentityAndABadTokenFileStopsItAtStart() throws Exception {
        int port = serviceWithOneServer("tls-token", "token-a");
        Path empty = Files.writeString(directory.resolve("empty.token"), "\n");
        try (SyncAgentProcess agent = SyncAgentProcess.haproxy(directory.resolve("agent-empty-token"), fixture.cluster.addresses(),
                flags(fixture.tlsFlags(SyncTestCluster.READER), "--services", "tls-token", "--agent-id", "tls-empty-token",
                        "--token-file", empty.toString())).start()) {
            assertEquals(2, agent.awaitExit(), "a bad configuration exits 2: " + logOf(agent));
            assertTrue(logOf(agent).contains("signalbox sync haproxy: tokenFile " + empty + ": the file is empty; it holds the token on its "
                    + "first line"), logOf(agent));
            assertTrue(HttpBackends.get(port).startsWith("failed"), "nothing serves: the agent started no proxy");
        }
        // The certificate is reader's (read only); the token's identity may report, so the report is taken only if the token counts.
        try (SyncAgentProcess agent = SyncAgentProcess.haproxy(directory.resolve("agent-token"), fixture.cluster.addresses(),
                flags(fixture.tlsFlags(SyncTestCluster.READER), "--services", "tls-token", "--agent-id", "tls-token",
                        "--token-file", fixture.tokenFile().toString())).start()) {
            awaitServed(port, "token-a");
            awaitReported(client, "tls-token");
            assertFalse(logOf(agent).contains("did not take its report"), logOf(agent));
            assertFalse(logOf(agent).contains(Files.readString(fixture.tokenFile()).strip()), "the token is never logged");
        }
    }

    /** A new service on a free port with one server, {@code a}, a backend that answers {@code backend}; returns the port. */
    private int serviceWithOneServer(String service, String backend) throws IOException {
        int port = nextPort++;
        int a = fixture.backends.start(backend);
        client.submit(service(service, port, "roundrobin"));
        client.submit(server(service, "a", a, 1, 0));
        return port;
    }

    private static String logOf(SyncAgentProcess agent) {
        try {
            return agent.log();
        } catch (IOException e) {
            return "";
        }
    }

    private String nodeLogs() {
        StringBuilder all = new StringBuilder();
        for (int id = 1; id <= 3; id++) {
            try {
                all.append(fixture.cluster.log(id));
            } catch (IOException e) {
                all.append("node ").append(id).append(": no log: ").append(e.getMessage());
            }
        }
        return all.toString();
    }
}
