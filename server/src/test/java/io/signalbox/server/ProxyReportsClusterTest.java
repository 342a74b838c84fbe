package io.signalbox.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.HostPort;
import io.signalbox.client.SignalboxClient;
import io.signalbox.client.SignalboxException;
import io.signalbox.proto.client.ErrorCode;
import io.signalbox.proto.client.ProxyReport;
import io.signalbox.proto.client.ProxyStatus;
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

    @Test
    void aReportSentToAnyNodeIsShownByEveryNodeWithItsLag() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, 27_400, directory)) {
            long applied;
            try (SignalboxClient client = SignalboxClient.connect(cluster.clientAddresses())) {
                applied = client.submit(new Command.PutService("web", "http", 8080, "roundrobin", null, 1000, 1000, 1000, null)).getZxid();
                client.submit(new Command.PutService("api", "http", 8081, "roundrobin", null, 1000, 1000, 1000, null));
                client.submit(new Command.PutService("db", "tcp", 8082, "roundrobin", null, 1000, 1000, 1000, null));
            }
            ProxyReport report = ProxyReport.newBuilder().setAgentId("edge-1").setProxy("haproxy").setAppliedZxid(applied)
                    .setFailedZxid(applied + 2).setFailure("haproxy -c refused the configuration").setReloads(3).build();
            try (SignalboxClient viaNode2 = clientOf(cluster.members().get(1))) {
                assertTrue(!viaNode2.reportAsync(report).join().hasError());
            }
            for (NodeConfig.Member m : cluster.members()) {
                try (SignalboxClient client = clientOf(m)) {
                    List<ProxyStatus> proxies = client.status().getStatus().getProxiesList();
                    assertEquals(1, proxies.size(), "node " + m.id() + ": " + proxies);
                    assertEquals("edge-1", proxies.get(0).getReport().getAgentId());
                    assertEquals(2, proxies.get(0).getLagEntries(), "two entries committed after the one it applied");
                    assertEquals("haproxy -c refused the configuration", proxies.get(0).getReport().getFailure());
                }
                String json = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + m.adminAddress() + "/status"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(json.contains("\"agent\":\"edge-1\"") && json.contains("\"lagEntries\":2"), json);
            }
            try (SignalboxClient client = SignalboxClient.connect(cluster.clientAddresses())) {
                CompletionException refused = assertThrows(CompletionException.class,
                        () -> client.reportAsync(report.toBuilder().setAgentId("bad id").build()).join());
                SignalboxException cause = (SignalboxException) refused.getCause();
                assertEquals(ErrorCode.INVALID, cause.code());
                assertTrue(cause.getMessage().contains("agent_id \"bad id\""), cause.getMessage());
                assertEquals(1, client.status().getStatus().getProxiesCount(), "a refused report changes nothing");
            }
        }
    }
}
