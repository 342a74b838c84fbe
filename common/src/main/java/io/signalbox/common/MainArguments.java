package io.signalbox.common;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The arguments every plain main takes: {@code [--config FILE] [--set key=value]...}. The file
 * and the overrides are read by the main's own configuration type, which names a bad key.
 *
 * @param config null when none was given
 */
public record MainArguments(Path config, Map<String, String> overrides) {
    /** @throws IllegalArgumentException naming the argument that is not understood */
    public static MainArguments parse(String[] args) {
        Path config = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (args[i].equals("--config") && value != null) {
                config = Path.of(value);
            } else if (args[i].equals("--set") && value != null && value.indexOf('=') > 0) {
                overrides.put(value.substring(0, value.indexOf('=')), value.substring(value.indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException("\"" + args[i] + "\" is not understood; usage: [--config FILE] [--set key=value]...");
            }
            i++;
        }
        return new MainArguments(config, Map.copyOf(overrides));
    }

    /**
     * The configuration file's keys and values (a Java properties file, values trimmed), then
     * the overrides over them: what a main built on keys and values takes.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read
     */
    public Map<String, String> keysAndValues() {
        Map<String, String> values = new LinkedHashMap<>();
        if (config != null) {
            java.util.Properties properties = new java.util.Properties();
            try (java.io.Reader in = java.nio.file.Files.newBufferedReader(config, java.nio.charset.StandardCharsets.UTF_8)) {
                properties.load(in);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read " + config + ": " + e.getMessage(), e);
            }
            properties.stringPropertyNames().stream().sorted().forEach(key -> values.put(key, properties.getProperty(key).strip()));
        }
        values.putAll(overrides);
        return values;
    }
}
