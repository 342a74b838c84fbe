package io.signalbox.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Scenario transcripts (etcd-io/raft's testdata style). Each file in
 * {@code src/test/resources/scenarios} is a list of blocks:
 * <pre>
 * command args
 * ----
 * expected output
 * (blank line)
 * </pre>
 * Run with {@code -Dscenario.rewrite=true} to write the actual output back into the
 * files; then read the diff, since the golden output is the specification.
 */
class ScenarioTest {
    private static final boolean REWRITE = Boolean.getBoolean("scenario.rewrite");

    private record Block(List<String> comments, String command, String expected) {}

    @TestFactory
    Stream<DynamicTest> scenarios() throws IOException, URISyntaxException {
        Path directory = Paths.get(getClass().getResource("/scenarios").toURI());
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> runFile(file)));
    }

    private void runFile(Path file) throws IOException {
        List<Block> blocks = parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        ScenarioCluster cluster = new ScenarioCluster();
        StringBuilder rewritten = new StringBuilder();
        for (Block block : blocks) {
            String actual = cluster.run(block.command());
            for (String comment : block.comments()) {
                rewritten.append(comment).append('\n');
            }
            rewritten.append(block.command()).append("\n----\n").append(actual).append("\n\n");
            if (!REWRITE) {
                assertEquals(block.expected(), actual, file.getFileName() + ": output of '" + block.command() + "'");
            }
        }
        if (REWRITE) {
            Path source = Paths.get("src/test/resources/scenarios").resolve(file.getFileName());
            Files.writeString(source, rewritten.toString().stripTrailing() + "\n", StandardCharsets.UTF_8);
        }
    }

    private static List<Block> parse(List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank()) {
                i++;
                continue;
            }
            if (line.startsWith("#")) {
                comments.add(line);
                i++;
                continue;
            }
            String command = line;
            i++;
            if (i >= lines.size() || !lines.get(i).equals("----")) {
                throw new IllegalArgumentException("expected ---- after command '" + command + "'");
            }
            i++;
            List<String> expected = new ArrayList<>();
            while (i < lines.size() && !lines.get(i).isBlank()) {
                expected.add(lines.get(i));
                i++;
            }
            blocks.add(new Block(comments, command, String.join("\n", expected)));
            comments = new ArrayList<>();
        }
        return blocks;
    }
}
