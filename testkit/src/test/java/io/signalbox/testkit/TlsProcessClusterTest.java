package io.signalbox.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.HostPort;
import io.signalbox.server.NodeConfig;
import io.signalbox.state.Command;
import io.signalbox.tls.DevCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three ServerMain processes whose signalbox.conf turns TLS on, and a client writing and reading through each. */
class TlsProcessClusterTest {
    @TempDir
    Path directory;

    @Test
    void serversConfiguredWithTlsKeysReplicateAndServeClientsOverTls() throws Exception {
        DevCertificates.CreatedSet certs = DevCertificates.createSet(directory.resolve("certs"), 3, List.of("ctl"), List.of("127.0.0.1"),
                Duration.ofDays(1));
        List<NodeConfig.Member> members = NodeConfig.localMembers(3, FreePorts.clusterBase(3));
        List<Process> processes = new ArrayList<>();
        try {
            for (NodeConfig.Member m : members) {
                Path nodeDir = Files.createDirectories(directory.resolve("node" + m.id()));
                var files = certs.files("node-" + m.id());
                Path conf = NodeConfig.writeFile(nodeDir, m.id(), members, Map.of("tls.ca", files.ca().toString(), "tls.cert",
                        files.cert().toString(), "tls.key", files.key().toString(), "tls.handshakeTimeoutMs", "3000"));
                processes.add(new ProcessBuilder(Launch.server(Launch.DEFAULT_HEAP, List.of(), conf, List.of())).redirectErrorStream(true)
                        .redirectOutput(nodeDir.resolve("node.log").toFile()).start());
            }
            String addresses = members.stream().map(NodeConfig.Member::clientAddress).collect(Collectors.joining(","));
            CommandResult put;
            // The client retries (other nodes, backoff) until a leader is elected over the TLS peer links.
            try (SignalboxClient client = new SignalboxClient(ClientOptions.of(addresses).withRetryDeadlineMs(30_000)
                    .withTls(certs.files("ctl")))) {
                client.submit(new Command.PutService("web", "http", 8080, "roundrobin", null, 1000, 1000, 1000, null));
                put = client.submit(new Command.RegisterServer("web", "web-1", "10.0.0.1", 80, 10, "ready", false, Map.of(), 0, null));
            }
            for (NodeConfig.Member m : members) {
                ClientOptions one = ClientOptions.of(List.of(HostPort.parse(m.clientAddress()))).withTls(certs.files("ctl"));
                try (SignalboxClient client = new SignalboxClient(one)) {
                    ProcessCluster.await("node " + m.id() + " applied the write", Duration.ofSeconds(10),
                            () -> client.read(Consistency.LOCAL, "web").zxid() >= put.zxid());
                    assertEquals(1, client.read(Consistency.LOCAL, "web").configuration().servers().get("web").size());
                }
                String log = Files.readString(directory.resolve("node" + m.id()).resolve("node.log"));
                assertTrue(log.contains("admin https://" + m.adminAddress()) && log.contains("client certificates require"), log);
            }
        } catch (RuntimeException | AssertionError e) {
            Processes.stopAll(processes, 10);
            StringBuilder logs = new StringBuilder();
            for (NodeConfig.Member m : members) {
                logs.append("\n--- node ").append(m.id()).append(" ---\n").append(Files.readString(directory.resolve("node" + m.id())
                        .resolve("node.log")));
            }
            throw new AssertionError(e.getMessage() + logs, e);
        } finally {
            Processes.stopAll(processes, 10);
        }
    }
}
