package io.signalbox.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.server.NodeConfig;
import io.signalbox.tls.DevCertificates;
import io.signalbox.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example configuration both packages install (conf/signalbox.conf, /etc/signalbox/signalbox.conf)
 * is what NodeConfig reads: every key is in it, it loads as shipped, the defaults it states are the
 * defaults, and the ranges it states are the ranges NodeConfig enforces.
 */
class ExampleConfigTest {
    private static final Path EXAMPLE = Path.of("src/conf/signalbox.conf");
    /** An active {@code key=value} line or one commented out as {@code #key=value}. */
    private static final Pattern SETTING = Pattern.compile("^#?([A-Za-z][\\w.]*)=(\\S+)$", Pattern.MULTILINE);
    /** The keys whose values are not numbers, so have no range to state. */
    private static final Set<String> NOT_NUMBERS = Set.of("id", "dataDir", "tls.ca", "tls.cert", "tls.key", "tls.clientAuth", "insecure",
            "auth.admin", "clusterName", "observers");
    /** Keys whose commented values are examples, not defaults (the default is none): an admin's name, a token's hash, observers. */
    private static boolean exampleOnly(String key) {
        return key.startsWith("auth.") || key.equals("observers");
    }

    private static final Pattern ALLOWED = Pattern.compile("Allowed: (\\d+)\\.\\.(\\d+)\\.");

    @Test
    void everyKeyOfNodeConfigIsInTheExample() throws IOException {
        Map<String, String> settings = settings(true);
        List<String> missing = new ArrayList<>();
        for (String key : new TreeSet<>(NodeConfig.KEYS)) {
            if (!settings.containsKey(key)) {
                missing.add(key);
            }
        }
        if (settings.keySet().stream().noneMatch(k -> k.startsWith("member."))) {
            missing.add("member.N");
        }
        assertEquals(List.of(), missing, EXAMPLE + " does not mention these keys of NodeConfig.KEYS");
    }

    @Test
    void theExampleLoadsAsShippedAndItsCommentedValuesAreTheDefaults(@TempDir Path dir) throws IOException {
        IllegalArgumentException noCertificates = assertThrows(IllegalArgumentException.class, () -> NodeConfig.load(EXAMPLE, Map.of()));
        assertTrue(noCertificates.getMessage().contains("tls.ca") && noCertificates.getMessage().contains("/etc/signalbox/tls/ca.pem"),
                "a node installed without its certificates must say which file is missing: " + noCertificates.getMessage());
        Map<String, String> certificates = certificatesIn(dir);
        NodeConfig shipped = NodeConfig.load(EXAMPLE, certificates);
        assertEquals(3, shipped.members().size());
        assertEquals(Path.of("/var/lib/signalbox"), shipped.dataDir());
        assertTrue(shipped.tls() != null && !shipped.insecure(), "the example is secure: TLS on, insecure off");
        Map<String, String> uncommented = settings(true);
        uncommented.keySet().removeIf(ExampleConfigTest::exampleOnly);
        uncommented.putAll(certificates);
        assertEquals(shipped, NodeConfig.fromMap(uncommented), "a commented value in " + EXAMPLE + " is not NodeConfig's default");
    }

    /** The example's tls.* keys pointing at development certificates for its three hosts, made in {@code dir}. */
    private static Map<String, String> certificatesIn(Path dir) {
        DevCertificates.createSet(dir, 3, List.of(), List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"), Duration.ofDays(1));
        TlsFiles files = DevCertificates.files(dir, "node-1");
        return Map.of("tls.ca", files.ca().toString(), "tls.cert", files.cert().toString(), "tls.key", files.key().toString());
    }

    @Test
    void theRangesTheExampleStatesAreTheOnesEnforced(@TempDir Path dir) throws IOException {
        String text = Files.readString(EXAMPLE);
        Map<String, String> base = settings(false);
        base.putAll(certificatesIn(dir));
        int checked = 0;
        for (String block : text.split("\n\n")) {
            Matcher allowed = ALLOWED.matcher(block.replace("\n# ", " "));
            Matcher setting = SETTING.matcher(block);
            if (!allowed.find() || !setting.find()) {
                continue;
            }
            String key = setting.group(1);
            long min = Long.parseLong(allowed.group(1));
            long max = Long.parseLong(allowed.group(2));
            for (long ok : new long[] {min, max}) {
                NodeConfig.fromMap(with(base, key, ok));
            }
            for (long bad : new long[] {min - 1, max + 1}) {
                IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> NodeConfig.fromMap(with(base, key, bad)),
                        key + "=" + bad + " is outside the range " + EXAMPLE + " states, and was accepted");
                assertTrue(refused.getMessage().contains(key), refused.getMessage());
            }
            checked++;
        }
        assertEquals(NodeConfig.KEYS.size() - NOT_NUMBERS.size(), checked, "every numeric key states its range");
    }

    private static Map<String, String> with(Map<String, String> base, String key, long value) {
        Map<String, String> values = new TreeMap<>(base);
        values.put(key, String.valueOf(value));
        return values;
    }

    /** The example's settings: active ones, and with {@code commentedToo} the commented-out ones as well. */
    private static Map<String, String> settings(boolean commentedToo) throws IOException {
        Map<String, String> settings = new TreeMap<>();
        Matcher m = SETTING.matcher(Files.readString(EXAMPLE));
        while (m.find()) {
            boolean commented = m.group().startsWith("#");
            if (!commented || commentedToo) {
                settings.put(m.group(1), m.group(2));
            }
        }
        return settings;
    }
}
