package io.signalbox.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One line that says what machine a figure was measured on. */
final class Machine {
    private Machine() {}

    static String describe() {
        String memory = "?";
        String cpu = "?";
        try {
            memory = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ").replace("MemTotal: ", "");
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException | RuntimeException e) {
            // not Linux: leave the question marks
        }
        return "cores=" + Runtime.getRuntime().availableProcessors() + " cpu=\"" + cpu + "\" memory=" + memory + " jvm="
                + System.getProperty("java.vm.version") + " os=" + System.getProperty("os.name") + "-" + System.getProperty("os.version");
    }
}
