package io.signalbox.register;

import static io.signalbox.register.ProxiedCluster.LIMIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.Consistency;
import io.signalbox.server.NodeConfig;
import io.signalbox.state.Command;
import io.signalbox.state.Server;
import io.signalbox.state.ServerState;
import io.signalbox.testkit.FreePorts;
import io.signalbox.testkit.ProcessCluster;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sidecar started before its cluster: it says it cannot reach it and retries with backoff;
 * once the cluster is up it opens a session, and still registers nothing while the backend's
 * check fails; only after rise passes is the server registered.
 */
class RegisterStartupProcessTest {
    private static Server server(SignalboxClient client, String name) {
        return client.read(Consistency.LINEARIZABLE, "late").configuration().servers().getOrDefault("late", List.of()).stream()
                .filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    @Test
    void anUnreachableClusterIsRetriedWithBackoffAndAServerIsNeverRegisteredBeforeItsCheckPasses(
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path directory) throws Exception {
        int base = ProxiedCluster.clusterBase();
        String addresses = NodeConfig.localMembers(3, base).stream().map(NodeConfig.Member::clientAddress).collect(Collectors.joining(","));
        try (TestBackend backend = TestBackend.start("late-1")) {
            backend.healthy(false);
            Path config = directory.resolve("sidecar.conf");
            Properties properties = new Properties();
            properties.put("connect", addresses);
            properties.put("registration.late-1.service", "late");
            properties.put("registration.late-1.address", "127.0.0.1");
            properties.put("registration.late-1.port", String.valueOf(backend.port()));
            properties.put("registration.late-1.check", "http://127.0.0.1:" + backend.port() + "/healthz");
            properties.put("registration.late-1.intervalMs", "100");
            int statusPort = FreePorts.one();
            properties.put("statusAddress", "127.0.0.1:" + statusPort);
            try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                properties.store(out, null);
            }
            try (ProcessUnderTest sidecar = ProcessUnderTest.sidecar(config, directory.resolve("sidecar.log")).start()) {
                ProcessCluster.await("the sidecar retries twice", LIMIT, () -> logOf(sidecar).contains("(attempt 2)"));
                String early = logOf(sidecar);
                assertTrue(early.contains("cannot open a session on the cluster at [" + addresses.replace(",", ", ") + "] (tried every node for"),
                        early);
                assertTrue(early.contains("retrying in 250 ms (attempt 1); nothing is registered until one is open"), early);
                assertTrue(early.contains("retrying in 500 ms (attempt 2)"), "the delay doubles:\n" + early);

                try (ProcessCluster cluster = new ProcessCluster(3, base, directory.resolve("cluster"));
                     SignalboxClient client = cluster.client()) {
                    cluster.awaitLeader(LIMIT);
                    client.submit(new Command.PutService("late", "http", 1, "roundrobin", null, 1_000, 1_000, 1_000, null));
                    ProcessCluster.await("a session opened", LIMIT, () -> logOf(sidecar).contains(" opened (timeout 10000 ms)"));
                    long failuresBefore = failures(statusPort);
                    assertTrue(failuresBefore > 0, "the checks ran while the cluster was unreachable: " + failuresBefore);
                    ProcessCluster.await("ten more failed checks", LIMIT, () -> failures(statusPort) >= failuresBefore + 10);
                    assertNull(server(client, "late-1"), "a backend whose check never passed is never registered");

                    backend.healthy(true);
                    ProcessCluster.await("late-1 registered once its check passes", LIMIT, () -> server(client, "late-1") != null);
                    assertEquals(ServerState.READY, server(client, "late-1").state());
                    assertEquals(0, sidecar.terminate(30), logOf(sidecar));
                    assertNull(server(client, "late-1"));
                }
            }
        }
    }

    private static String logOf(ProcessUnderTest sidecar) {
        try {
            return sidecar.log();
        } catch (IOException e) {
            return "";
        }
    }

    /** The failed checks so far, from the sidecar's /metrics; -1 while it does not answer. */
    private static long failures(int statusPort) {
        try {
            java.net.HttpURLConnection connection = (java.net.HttpURLConnection) new java.net.URL("http://127.0.0.1:" + statusPort + "/metrics")
                    .openConnection();
            String metrics = new String(connection.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String prefix = "signalbox_register_checks_total{service=\"late\",name=\"late-1\",result=\"fail\"} ";
            return metrics.lines().filter(l -> l.startsWith(prefix)).mapToLong(l -> Long.parseLong(l.substring(prefix.length()))).findFirst()
                    .orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }
}
