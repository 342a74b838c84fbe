package io.signalbox.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The simulator's bug switches must be impossible to turn on from the server: no server
 * source may name them. (The server builds its core with {@code ZabCore.create}.)
 */
class NoBugSwitchesInTheServerTest {
    @Test
    void noServerSourceReachesTheBugSwitches() throws IOException {
        Path sources = Paths.get("src/main/java");
        assertTrue(Files.isDirectory(sources), "run from the server module: " + sources.toAbsolutePath());
        List<String> offenders;
        try (Stream<Path> files = Files.walk(sources)) {
            offenders = files.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    String text = Files.readString(p);
                    return text.contains("withBugsForSimulation") || text.contains("io.signalbox.consensus.Bug");
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read " + p, e);
                }
            }).map(Path::toString).toList();
        }
        assertEquals(List.of(), offenders);
    }
}
