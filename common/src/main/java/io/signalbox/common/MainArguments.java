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
}
