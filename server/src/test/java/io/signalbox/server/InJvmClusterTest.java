package io.signalbox.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.HostPort;
import io.signalbox.client.SignalboxClient;
import io.signalbox.client.SignalboxException;
import io.signalbox.proto.client.Consistency;
import io.signalbox.proto.client.ErrorCode;
import io.signalbox.proto.client.Response;
import io.signalbox.state.Command;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real nodes in one JVM (Netty on 127.0.0.1, RocksDB in a temporary directory). */
class InJvmClusterTest {
    @TempDir
    Path directory;

    @Test
    void writesThroughEveryNodeAreReadBackLocallyAndLinearizably() {
        try (LocalCluster cluster = LocalCluster.start(3, 27_000, directory)) {
            for (int id = 1; id <= 3; id++) {
                NodeConfig.Member m = cluster.members().get(id - 1);
                try (SignalboxClient client = new SignalboxClient(ClientOptions.of(List.of(new HostPort(m.host(), m.clientPort()))))) {
                    String service = "web" + id;
                    client.submit(new Command.PutService(service, "http", 8000 + id, "roundrobin", null, 1000, 1000, 1000, null));
                    Response put = client.submit(new Command.RegisterServer(service, "a", "10.0.0." + id, 80, 10, "ready", false,
                            Map.of(), 0, null));
                    assertTrue(put.getZxid() > 0);
                    Response local = client.read(Consistency.LOCAL, service);
                    assertEquals(1, local.getRead().getServersCount(), "LOCAL read on node " + id + " sees its own write");
                    Response linear = client.read(Consistency.LINEARIZABLE, service);
                    assertTrue(linear.getZxid() >= put.getZxid());
                    SignalboxException bad = assertThrows(SignalboxException.class, () -> client.submit(
                            new Command.RegisterServer(service, "b", "localhost", 80, 10, "ready", false, Map.of(), 0, null)));
                    assertEquals(ErrorCode.INVALID, bad.code(), bad.toString());
                }
            }
            try (SignalboxClient client = SignalboxClient.connect(cluster.clientAddresses())) {
                Response all = client.read(Consistency.LINEARIZABLE, "");
                assertEquals(3, all.getRead().getServicesCount());
                assertEquals(3, all.getRead().getServersCount());
            }
        }
    }
}
