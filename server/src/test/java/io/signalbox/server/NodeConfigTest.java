package io.signalbox.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
    @TempDir
    Path directory;

    private static Map<String, String> valid() {
        Map<String, String> values = new TreeMap<>();
        values.put("id", "2");
        values.put("member.1", "127.0.0.1:7001:7101:7201");
        values.put("member.2", "127.0.0.1:7002:7102:7202");
        values.put("member.3", "127.0.0.1:7003:7103:7203");
        values.put("dataDir", "/tmp/x");
        return values;
    }

    @Test
    void aFileIsReadAndFlagsOverrideIt() throws Exception {
        Path file = directory.resolve("signalbox.conf");
        StringBuilder text = new StringBuilder();
        valid().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, text + "tickMs=20\n");
        NodeConfig config = NodeConfig.load(file, Map.of("id", "3", "tickMs", "25"));
        assertEquals(3, config.id());
        assertEquals(25, config.tickMs());
        assertEquals("127.0.0.1:7103", config.self().clientAddress());
        assertEquals(10_000, config.snapshotEveryEntries(), "defaults fill the rest");
    }

    @Test
    void everyBadValueIsRefusedWithItsKeyValueAndWhatIsAllowed() {
        assertRefused(Map.of("tickMs", "0"), "tickMs=0", "1..10000");
        assertRefused(Map.of("tickMs", "fast"), "tickMs=fast", "whole number");
        assertRefused(Map.of("id", "9"), "id=9", "member ids");
        assertRefused(Map.of("member.3", "127.0.0.1:7003:7103"), "member.3", "host:peerPort:clientPort:adminPort");
        assertRefused(Map.of("member.3", "127.0.0.1:7003:99999:7203"), "member.3", "1..65535");
        assertRefused(Map.of("member.3", "127.0.0.1:7002:7103:7203"), "member.3", "used once");
        assertRefused(Map.of("tikMs", "50"), "tikMs", "unknown key");
        assertRefused(Map.of("member.4", "127.0.0.1:7004:7104:7204"), "4 members", "3, 5 or 7");
        Map<String, String> noData = valid();
        noData.remove("dataDir");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.fromMap(noData));
        assertTrue(e.getMessage().contains("dataDir"), e.getMessage());
    }

    private static void assertRefused(Map<String, String> change, String... mentions) {
        Map<String, String> values = valid();
        values.putAll(change);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.fromMap(values));
        for (String mention : mentions) {
            assertTrue(e.getMessage().contains(mention), "\"" + e.getMessage() + "\" should mention " + mention);
        }
    }
}
