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

    @Test
    void againstTlsAdminPortsTheChecksAreHttpsVerifiedAgainstTheCaWithAClientCertificateWhenGiven() {
        ClusterFrontConfig.Settings plain = ClusterFrontConfig.Settings.of("127.0.0.1:7100", "127.0.0.1:7101/7201", 1000);
        assertTrue(!ClusterFrontConfig.render(plain).contains("ssl"), "plain HTTP checks without HealthTls");
        String ca = ClusterFrontConfig.render(plain.withHealthTls(new ClusterFrontConfig.HealthTls("/etc/signalbox/tls/ca.pem", "")));
        assertTrue(ca.contains("    default-server inter 1000ms fall 2 rise 2 on-marked-down shutdown-sessions check-ssl verify required "
                + "ca-file /etc/signalbox/tls/ca.pem\n"), ca);
        assertTrue(ca.contains("server node1 127.0.0.1:7101 check port 7201\n") && !ca.contains(" ssl "),
                "client traffic stays a TCP pass-through: " + ca);
        String crt = ClusterFrontConfig.render(plain.withHealthTls(new ClusterFrontConfig.HealthTls("/etc/signalbox/tls/ca.pem",
                "/etc/signalbox/tls/front-with-key.pem")));
        assertTrue(crt.contains("ca-file /etc/signalbox/tls/ca.pem crt /etc/signalbox/tls/front-with-key.pem\n"), crt);
    }

    @Test
    void aHealthCheckFileThatIsNotAPlainAbsolutePathIsRefusedNamingIt() {
        IllegalArgumentException relative = assertThrows(IllegalArgumentException.class, () -> new ClusterFrontConfig.HealthTls("ca.pem", ""));
        assertEquals("health check CA file: \"ca.pem\" is not a plain absolute file path (^/[A-Za-z0-9._/-]{0,255}$)", relative.getMessage());
        IllegalArgumentException injected = assertThrows(IllegalArgumentException.class,
                () -> new ClusterFrontConfig.HealthTls("/ca.pem", "/front.pem\n    server evil 10.0.0.9:22"));
        assertTrue(injected.getMessage().startsWith("health check certificate file: \"/front.pem\\u000a"), injected.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ClusterFrontConfig.HealthTls("/etc/my ca.pem", ""));
        assertThrows(IllegalArgumentException.class, () -> new ClusterFrontConfig.HealthTls(null, ""));
    }
}
