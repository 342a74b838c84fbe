package io.signalbox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.HostPort;
import io.signalbox.protocol.ProxyReport;
import io.signalbox.protocol.ProxyStatus;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.server.LocalCluster;
import io.signalbox.server.NodeConfig;
import io.signalbox.state.Command;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sync agents' reports reach the leader through any node, and every node shows them. */
class ProxyReportsClusterTest {
    @TempDir
    Path directory;

    private static SignalboxClient clientOf(NodeConfig.Member m) {
        return new SignalboxClient(ClientOptions.of(List.of(new HostPort(m.host(), m.clientPort()))));
    }

    /**
     * A node shows the leader's reports once it follows that leader; on a loaded machine the
     * third node may still be joining when the report lands (bounded: 30 s).
     */
    private static List<ProxyStatus> proxiesOnceJoined(SignalboxClient client) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        List<ProxyStatus> proxies = client.status().proxies();
        while (proxies.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            proxies = client.status().proxies();
        }
        return proxies;
    }

    @Test
    void aReportSentToAnyNodeIsShownByEveryNodeWithItsLag() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, 27_400, directory)) {
            long applied;
            try (SignalboxClient client = SignalboxClient.connect(cluster.clientAddresses())) {
                applied = client.submit(new Command.PutService("web", "http", 8080, "roundrobin", null, 1000, 1000, 1000, null)).zxid();
                client.submit(new Command.PutService("api", "http", 8081, "roundrobin", null, 1000, 1000, 1000, null));
                client.submit(new Command.PutService("db", "tcp", 8082, "roundrobin", null, 1000, 1000, 1000, null));
            }
            ProxyReport report = new ProxyReport("edge-1", "haproxy", List.of(), applied, applied + 2,
                    "haproxy -c refused the configuration", 3, 0, 0);
            try (SignalboxClient viaNode2 = clientOf(cluster.members().get(1))) {
                assertTrue(viaNode2.reportAsync(report).join().zxid() >= applied);
            }
            for (NodeConfig.Member m : cluster.members()) {
                try (SignalboxClient client = clientOf(m)) {
                    List<ProxyStatus> proxies = proxiesOnceJoined(client);
                    assertEquals(1, proxies.size(), "node " + m.id() + ": " + proxies);
                    assertEquals("edge-1", proxies.get(0).report().agentId());
                    assertEquals(2, proxies.get(0).lagEntries(), "two entries committed after the one it applied");
                    assertEquals("haproxy -c refused the configuration", proxies.get(0).report().failure());
                }
                String json = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + m.adminAddress() + "/status"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(json.contains("\"agent\":\"edge-1\"") && json.contains("\"lagEntries\":2"), json);
            }
            try (SignalboxClient client = SignalboxClient.connect(cluster.clientAddresses())) {
                CompletionException refused = assertThrows(CompletionException.class,
                        () -> client.reportAsync(new ProxyReport("bad id", "haproxy", List.of(), applied, 0, "", 0, 0, 0)).join());
                SignalboxException cause = (SignalboxException) refused.getCause();
                assertEquals(ErrorCode.INVALID, cause.code());
                assertTrue(cause.getMessage().contains("agent_id \"bad id\""), cause.getMessage());
                assertEquals(1, client.status().proxies().size(), "a refused report changes nothing");
            }
        }
    }
}
