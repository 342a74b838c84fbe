package io.signalbox.proxysync.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ClusterFrontConfigTest {
    @Test
    void thePackagedExampleIsWhatTheCommandRendersForTheDemoCluster() throws Exception {
        String rendered = ClusterFrontConfig.render(new ClusterFrontConfig.Settings("0.0.0.0", 7100,
                ClusterFrontConfig.parseNodes("127.0.0.1:7101/7201,127.0.0.1:7102/7202,127.0.0.1:7103/7203"), 1000, ""));
        assertEquals(Files.readString(Path.of("../packaging/haproxy/signalbox-cluster.cfg")), rendered,
                "regenerate it: ./signalbox sync cluster-front --listen 0.0.0.0:7100 > packaging/haproxy/signalbox-cluster.cfg");
        assertTrue(rendered.contains("server node2 127.0.0.1:7102 check port 7202"), rendered);
    }

    @Test
    void aNodeThatIsNotAnAddressAndTwoPortsIsRefusedSayingWhatIsAllowed() {
        IllegalArgumentException host = assertThrows(IllegalArgumentException.class, () -> ClusterFrontConfig.parseNodes("db.local:7101/7201"));
        assertTrue(host.getMessage().contains("\"db.local\" is not an IP literal"), host.getMessage());
        IllegalArgumentException injected = assertThrows(IllegalArgumentException.class,
                () -> ClusterFrontConfig.parseNodes("127.0.0.1:7101/7201\n    server evil 10.0.0.9:22"));
        assertTrue(injected.getMessage().contains("the admin port must be a whole number"), injected.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> ClusterFrontConfig.parseNodes("127.0.0.1:7101"));
        assertTrue(shape.getMessage().contains("IP:CLIENT_PORT/ADMIN_PORT"), shape.getMessage());
    }
}
