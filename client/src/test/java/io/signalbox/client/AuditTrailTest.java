package io.signalbox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.server.LocalCluster;
import io.signalbox.server.NodeConfig;
import io.signalbox.state.Command;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin port's /events names who caused each entry, as ctl history does (three real nodes, plaintext on loopback). */
class AuditTrailTest {
    @TempDir
    Path directory;

    @Test
    void eventsOnTheAdminPortCarryTheIdentity() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, 26_600, directory);
             SignalboxClient client = new SignalboxClient(ClientOptions.of(cluster.clientAddresses()))) {
            client.submit(new Command.PutService("web", "http", 8080, "roundrobin", null, 1000, 1000, 1000, null));
            long zxid = client.submit(new Command.RegisterServer("web", "web-1", "10.0.0.1", 80, 1, "drain", false, Map.of(), 0, null)).zxid();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String events = "";
            for (NodeConfig.Member member : cluster.members()) {
                // The leader has applied it once it answered; a follower may lag a tick: bounded retries.
                for (int attempt = 0; attempt < 50 && !events.contains(Long.toString(zxid)); attempt++) {
                    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://" + member.adminAddress()
                            + "/events?from=0")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, answer.statusCode(), answer.body());
                    events = answer.body();
                }
                assertTrue(events.contains("\"zxidRaw\":" + zxid + ",\"identity\":\"anonymous\",\"events\":[\"server web/web-1 registered"),
                        member.adminAddress() + ": " + events);
                events = "";
            }
        }
    }
}
