package io.signalbox.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a benchmark printed, and the figures in it: every failed check shows the whole output.
 * Also copied to the test's standard output, so a run's figures are in its report.
 */
final class Printed {
    /** A decimal figure as the benches print it ({@code %.2f}, {@code %.0f}); NaN does not match, so an empty sample fails. */
    static final String NUMBER = "(-?\\d+(?:\\.\\d+)?)";
    static final String INTEGER = "(\\d+)";

    private final StringWriter text = new StringWriter();
    final PrintWriter out = new PrintWriter(new Writer() {
        @Override
        public void write(char[] characters, int offset, int length) {
            text.write(characters, offset, length);
            System.out.print(new String(characters, offset, length));
        }

        @Override
        public void flush() {
            System.out.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }, true);

    String text() {
        out.flush();
        return text.toString();
    }

    /** The groups of every whole line matching {@code regex}, in order. */
    List<List<String>> lines(String regex) {
        Pattern pattern = Pattern.compile(regex);
        List<List<String>> found = new ArrayList<>();
        for (String line : text().lines().toList()) {
            Matcher matcher = pattern.matcher(line);
            if (matcher.matches()) {
                List<String> groups = new ArrayList<>();
                for (int g = 1; g <= matcher.groupCount(); g++) {
                    groups.add(matcher.group(g));
                }
                found.add(groups);
            }
        }
        return found;
    }

    /** The groups of the one line matching {@code regex}. */
    List<String> line(String regex) {
        List<List<String>> found = lines(regex);
        assertEquals(1, found.size(), () -> "one line like " + regex + " expected, found " + found.size() + " in:\n" + text());
        return found.get(0);
    }

    void assertPositive(String what, double value) {
        assertTrue(value > 0 && Double.isFinite(value), () -> what + " should be a positive figure, got " + value + " in:\n" + text());
    }

    /** Each figure at least the one before, as percentiles of one sample must be. */
    void assertAscending(String what, double... values) {
        for (int i = 1; i < values.length; i++) {
            double previous = values[i - 1];
            double value = values[i];
            assertTrue(previous <= value, () -> what + " should not decrease, got " + java.util.Arrays.toString(values) + " in:\n" + text());
        }
    }

    static double number(String figure) {
        return Double.parseDouble(figure);
    }

    /**
     * The one JSON file named {@code name-<timestamp>.json} in {@code directory}, that it is the
     * file the bench said it wrote, and that its chart was written next to it with a bar a row.
     */
    String resultFile(Path directory, String name) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(p -> p.getFileName().toString().matches(Pattern.quote(name) + "-\\d{8}T\\d{6}Z\\.json")).toList();
        }
        if (files.size() != 1) {
            fail("one " + name + "-<timestamp>.json expected in " + directory + ", found " + files + "; output:\n" + text());
        }
        assertTrue(text().contains("results written to " + files.get(0)), () -> "the output should name " + files.get(0) + ":\n" + text());
        String json = Files.readString(files.get(0));
        assertTrue(json.startsWith("{\"machine\":") && json.strip().endsWith("]}"), () -> "a JSON document of rows expected:\n" + json);
        assertFalse(json.contains("NaN"), () -> "NaN is not JSON:\n" + json);
        Path svg = files.get(0).resolveSibling(files.get(0).getFileName().toString().replace(".json", ".svg"));
        assertTrue(Files.isRegularFile(svg) && text().contains("chart " + svg), () -> "the chart " + svg + " written and named:\n" + text());
        String chart = Files.readString(svg);
        assertTrue(chart.startsWith("<?xml") && chart.contains("class=\"bar\""), () -> "an SVG with bars:\n" + chart);
        return json;
    }

    static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }
}
