package io.signalbox.proxysync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.protocol.HostPort;
import io.signalbox.proxysync.haproxy.HaproxyDriver;
import io.signalbox.proxysync.nginx.NginxDriver;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent's keys and values, as the command line and an agent's configuration file give them. */
class AgentConfigTest {
    @TempDir
    Path stateDir;

    private String refused(Map<String, String> values) {
        return assertThrows(IllegalArgumentException.class, () -> AgentConfig.parse(values)).getMessage();
    }

    @Test
    void aManagedHaproxyAgentGetsItsDefaults() {
        AgentConfig config = AgentConfig.parse(Map.of("proxy", "haproxy", "stateDir", stateDir.toString(), "manage", "true",
                "services", "web, api", "agentId", "edge-1"));
        assertTrue(config.driver() instanceof HaproxyDriver);
        assertEquals(List.of("web", "api"), config.options().services());
        assertEquals("edge-1", config.options().agentId());
        assertEquals(10_000, config.options().driftCheckMs());
        assertEquals(List.of(HostPort.parse("127.0.0.1:7101"), HostPort.parse("127.0.0.1:7102"), HostPort.parse("127.0.0.1:7103")),
                config.connect());
        config.driver().close();
    }

    @Test
    void nginxTakesItsDebounceAndDefaultsItsAgentIdToProxyHostAndDirectory() {
        AgentConfig config = AgentConfig.parse(Map.of("proxy", "nginx", "stateDir", stateDir.toString(), "manage", "true",
                "debounceMs", "50", "maxDelayMs", "500", "versionPort", "29998"));
        assertTrue(config.driver() instanceof NginxDriver);
        assertEquals(50, config.options().debounceMs());
        assertTrue(config.options().agentId().startsWith("nginx@") && config.options().agentId().endsWith(stateDir.toString()),
                config.options().agentId());
        config.driver().close();
    }

    @Test
    void badValuesAreRefusedNamingTheKeyTheValueAndWhatIsAllowed() {
        assertTrue(refused(Map.of("proxy", "envoy")).contains("proxy \"envoy\" must be haproxy or nginx"));
        assertTrue(refused(Map.of("proxy", "haproxy", "manage", "true")).contains("stateDir is required"));
        String unknown = refused(Map.of("proxy", "haproxy", "stateDir", stateDir.toString(), "debounceMs", "5"));
        assertTrue(unknown.contains("\"debounceMs\"") && unknown.contains("drainGraceMs"), unknown);
        assertTrue(refused(Map.of("proxy", "haproxy", "stateDir", stateDir.toString(), "manage", "true", "driftCheckMs", "often"))
                .contains("driftCheckMs \"often\" is not a whole number"));
        assertTrue(refused(Map.of("proxy", "haproxy", "stateDir", stateDir.toString(), "manage", "yes")).contains("true or false"));
        assertTrue(refused(Map.of("proxy", "haproxy", "stateDir", stateDir.toString())).contains("without manage"));
        assertTrue(refused(Map.of("proxy", "nginx", "stateDir", stateDir.toString(), "manage", "true", "versionPort", "70000"))
                .contains("versionPort 70000"));
        assertTrue(refused(Map.of("proxy", "haproxy", "stateDir", stateDir.toString(), "manage", "true", "connect", "nowhere"))
                .contains("\"nowhere\""));
        assertTrue(refused(Map.of("proxy", "nginx", "stateDir", stateDir.toString(), "manage", "true", "nginxMode", "fast"))
                .contains("nginxMode \"fast\" must be dynamic, reload or auto"));
        assertTrue(refused(Map.of("proxy", "nginx", "stateDir", stateDir.toString(), "manage", "true", "versionPort", "29998",
                "pushPort", "29998")).contains("pushPort 29998 must be within 1..65535 and differ from versionPort 29998"));
        assertTrue(refused(Map.of("proxy", "haproxy", "stateDir", stateDir.toString(), "manage", "true", "stopProxyOnExit", "maybe"))
                .contains("stopProxyOnExit \"maybe\" must be true or false"));
        assertTrue(refused(Map.of("proxy", "haproxy", "stateDir", stateDir.toString(), "manage", "true", "clusterNodes",
                "127.0.0.1:7101/7201")).contains("give frontCluster=PORT too"));
        assertTrue(refused(Map.of("proxy", "haproxy", "stateDir", stateDir.toString(), "manage", "true", "frontCluster", "7100",
                "clusterNodes", "node1:7101/7201")).contains("\"node1\" is not an IP literal"));
    }

    @Test
    void nginxModeAutoIsDynamicWithTheLuaModuleAndDynamicModeNeedsNoDebounce() {
        AgentConfig config = AgentConfig.parse(Map.of("proxy", "nginx", "stateDir", stateDir.toString(), "manage", "true",
                "versionPort", "29998"));
        assertEquals(io.signalbox.proxysync.nginx.NginxMode.DYNAMIC, ((NginxDriver) config.driver()).mode(),
                "libnginx-mod-http-lua is installed here (.ci/run installs it)");
        assertEquals(0, config.options().debounceMs());
        assertTrue(!config.stopProxyOnExit(), "SIGTERM leaves the proxy serving by default");
        AgentConfig reload = AgentConfig.parse(Map.of("proxy", "nginx", "stateDir", stateDir.toString(), "manage", "true",
                "versionPort", "29998", "nginxMode", "reload", "stopProxyOnExit", "true"));
        assertEquals(200, reload.options().debounceMs());
        assertTrue(reload.stopProxyOnExit());
    }

    @Test
    void theClustersTlsFilesAreTheKeysCaCertAndKey() throws Exception {
        Path dir = stateDir.resolve("certs");
        java.nio.file.Files.createDirectories(dir);
        for (String file : List.of("ca.pem", "agent.pem", "agent.key")) {
            java.nio.file.Files.writeString(dir.resolve(file), "PEM");
        }
        AgentConfig config = AgentConfig.parse(Map.of("proxy", "haproxy", "stateDir", stateDir.toString(), "manage", "true",
                "ca", dir.resolve("ca.pem").toString(), "cert", dir.resolve("agent.pem").toString(), "key", dir.resolve("agent.key").toString()));
        assertEquals(dir.resolve("agent.key"), config.tls().key());
        config.driver().close();
        AgentConfig front = AgentConfig.parse(Map.of("proxy", "haproxy", "stateDir", stateDir.toString(), "manage", "true",
                "ca", dir.resolve("ca.pem").toString(), "frontCluster", "7100"));
        assertEquals(new io.signalbox.proxysync.haproxy.ClusterFrontConfig.HealthTls(dir.resolve("ca.pem").toString(), ""),
                ((HaproxyDriver) front.driver()).settings().clusterFront().healthTls(),
                "an agent that reaches the cluster over TLS checks the nodes' TLS admin ports over HTTPS with the same CA");
        front.driver().close();
        assertEquals("a certificate and its key go together: got cert=" + dir.resolve("agent.pem") + " key=null",
                refused(Map.of("proxy", "haproxy", "stateDir", stateDir.toString(), "manage", "true", "ca", dir.resolve("ca.pem").toString(),
                        "cert", dir.resolve("agent.pem").toString())));
    }
}
