package io.signalbox.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.server.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The example configuration both packages install (conf/signalbox.conf, /etc/signalbox/signalbox.conf)
 * is what NodeConfig reads: every key is in it, it loads as shipped, the defaults it states are the
 * defaults, and the ranges it states are the ranges NodeConfig enforces.
 */
class ExampleConfigTest {
    private static final Path EXAMPLE = Path.of("src/conf/signalbox.conf");
    /** An active {@code key=value} line or one commented out as {@code #key=value}. */
    private static final Pattern SETTING = Pattern.compile("^#?([A-Za-z][\\w.]*)=(\\S+)$", Pattern.MULTILINE);
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
    void theExampleLoadsAsShippedAndItsCommentedValuesAreTheDefaults() throws IOException {
        NodeConfig shipped = NodeConfig.load(EXAMPLE, Map.of());
        assertEquals(3, shipped.members().size());
        assertEquals(Path.of("/var/lib/signalbox"), shipped.dataDir());
        NodeConfig uncommented = NodeConfig.fromMap(settings(true));
        assertEquals(shipped, uncommented, "a commented value in " + EXAMPLE + " is not NodeConfig's default");
    }

    @Test
    void theRangesTheExampleStatesAreTheOnesEnforced() throws IOException {
        String text = Files.readString(EXAMPLE);
        Map<String, String> base = settings(false);
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
        assertEquals(NodeConfig.KEYS.size() - 2, checked, "every tunable key (all but id and dataDir) states its range");
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
