package io.signalbox.bench.chart;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The SVG chart of a benchmark's JSON result, written next to it ({@code compare-T.json} gets
 * {@code compare-T.svg}): when a bench writes its result, and again from any result file (the
 * {@code chart} entry point), so older results get pictures too. Knows the documents of
 * {@code bench compare}, {@code bench haproxy} and {@code bench nginx}, told apart by their rows'
 * fields.
 */
public final class ResultCharts {
    private static final Pattern LATENCY_TEXT = Pattern.compile("p50 ([0-9.]+) ms, p99 ([0-9.]+) ms, max ([0-9.]+) ms");
    private static final Pattern RELOADS_TEXT = Pattern.compile("\\(([0-9.]+) per 1,000 changes\\)");

    private ResultCharts() {}

    /** Writes the chart of {@code json} next to it and returns the SVG's path. */
    public static Path chart(Path json) throws IOException {
        String name = json.getFileName().toString();
        if (!name.endsWith(".json")) {
            throw new IllegalArgumentException(json + " is not a benchmark result: its name must end in .json");
        }
        if (!Files.isRegularFile(json)) {
            throw new IllegalArgumentException(json + " is not a file");
        }
        Path svg = json.resolveSibling(name.substring(0, name.length() - ".json".length()) + ".svg");
        String document;
        try {
            document = svg(Files.readString(json, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(json + ": " + e.getMessage(), e);
        }
        Files.writeString(svg, document, StandardCharsets.UTF_8);
        return svg;
    }

    /** The chart of one result document. */
    public static String svg(String resultJson) {
        if (!(ResultJson.parse(resultJson) instanceof Map<?, ?> document) || !(document.get("rows") instanceof List<?> list)) {
            throw new IllegalArgumentException("a benchmark result is an object with \"rows\"");
        }
        List<Map<?, ?>> rows = new ArrayList<>();
        for (Object row : list) {
            if (!(row instanceof Map<?, ?> fields)) {
                throw new IllegalArgumentException("every row must be an object, got " + row);
            }
            rows.add(fields);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("the result has no rows to draw");
        }
        String machine = document.get("machine") == null ? "" : "machine: " + document.get("machine");
        Map<?, ?> first = rows.get(0);
        if (first.containsKey("system") && first.containsKey("opsPerSecond")) {
            String title = String.format("bench compare: %s nodes, %s B values, %s s per row (warm-up %s s), fsync on",
                    text(document, "nodes"), text(document, "valueBytes"), text(document, "durationSeconds"), text(document, "warmupSeconds"));
            Function<Map<?, ?>, String> group = r -> text(r, "op") + "\n" + text(r, "outstanding") + " outstanding";
            String xTitle = "operation, requests outstanding";
            return BarChart.svg(title, machine, List.of(
                    panel("throughput (ops/s)", xTitle, rows, group, r -> text(r, "system"), r -> number(r, "opsPerSecond")),
                    panel("p99 latency (ms)", xTitle, rows, group, r -> text(r, "system"), r -> number(r, "p99Ms"))));
        }
        if (first.containsKey("approach") && first.containsKey("p99Ms")) {
            String xTitle = "change";
            return BarChart.svg("bench haproxy: from a change committed until HAProxy runs it", machine, List.of(
                    panel("p50 latency (ms)", xTitle, rows, r -> text(r, "change"), r -> text(r, "approach"), r -> number(r, "p50Ms")),
                    panel("p99 latency (ms)", xTitle, rows, r -> text(r, "change"), r -> text(r, "approach"), r -> number(r, "p99Ms"))));
        }
        if (first.containsKey("what") && first.containsKey("value")) {
            return nginx(rows, machine);
        }
        throw new IllegalArgumentException("rows with fields " + first.keySet()
                + " are not a result of bench compare (system, opsPerSecond), haproxy (approach, p99Ms) or nginx (what, value)");
    }

    /** Nginx's rows are sentences: its latency and reload figures are read back out of them. */
    private static String nginx(List<Map<?, ?>> rows, String machine) {
        List<Map<String, Object>> latencies = new ArrayList<>();
        List<Map<String, Object>> reloads = new ArrayList<>();
        String setup = "";
        for (Map<?, ?> row : rows) {
            String what = text(row, "what");
            String value = text(row, "value");
            Matcher latency = LATENCY_TEXT.matcher(value);
            Matcher perThousand = RELOADS_TEXT.matcher(value);
            if (what.startsWith("latency, ") && latency.find()) {
                setup = what.substring("latency, ".length());
                for (int i = 0; i < 3; i++) {
                    latencies.add(Map.of("mode", setup, "figure", List.of("p50", "p99", "max").get(i),
                            "ms", Double.parseDouble(latency.group(i + 1))));
                }
            } else if (what.startsWith("stream") && perThousand.find()) {
                // The bench measures a setup's latency, then streams through the same setup.
                reloads.add(Map.of("mode", setup.isEmpty() ? what : setup, "figure", "reloads", "perThousand", Double.parseDouble(perThousand.group(1))));
            }
        }
        if (latencies.isEmpty()) {
            throw new IllegalArgumentException("no \"latency, ...\" row with \"p50 X ms, p99 Y ms, max Z ms\" in this nginx result");
        }
        List<BarChart.Panel> panels = new ArrayList<>();
        panels.add(panel("change latency (ms)", "agent setup", latencies, r -> text(r, "mode"), r -> text(r, "figure"), r -> number(r, "ms")));
        if (!reloads.isEmpty()) {
            panels.add(panel("reloads per 1,000 changes", "agent setup, changes streamed at a steady rate", reloads, r -> text(r, "mode"),
                    r -> text(r, "figure"), r -> number(r, "perThousand")));
        }
        return BarChart.svg("bench nginx: from a change committed until Nginx serves it", machine, panels);
    }

    /** Groups and series in the order they first appear; a value missing for a pair is NaN (no bar). */
    private static BarChart.Panel panel(String title, String xTitle, List<? extends Map<?, ?>> rows, Function<Map<?, ?>, String> group,
                                        Function<Map<?, ?>, String> series, Function<Map<?, ?>, Double> value) {
        Map<String, Integer> groups = new LinkedHashMap<>();
        Map<String, Integer> names = new LinkedHashMap<>();
        for (Map<?, ?> row : rows) {
            groups.putIfAbsent(group.apply(row), groups.size());
            names.putIfAbsent(series.apply(row), names.size());
        }
        double[][] values = new double[groups.size()][names.size()];
        for (double[] row : values) {
            java.util.Arrays.fill(row, Double.NaN);
        }
        for (Map<?, ?> row : rows) {
            values[groups.get(group.apply(row))][names.get(series.apply(row))] = value.apply(row);
        }
        return new BarChart.Panel(title, xTitle, new ArrayList<>(groups.keySet()), new ArrayList<>(names.keySet()), values);
    }

    private static String text(Map<?, ?> row, String field) {
        Object v = row.get(field);
        if (v == null) {
            throw new IllegalArgumentException("a row without \"" + field + "\": " + row);
        }
        return v instanceof Double d && d == Math.rint(d) ? String.valueOf(d.longValue()) : String.valueOf(v);
    }

    private static double number(Map<?, ?> row, String field) {
        if (!(row.get(field) instanceof Double v)) {
            throw new IllegalArgumentException("\"" + field + "\" must be a number in " + row);
        }
        return v;
    }

    /**
     * {@code bench chart FILE.json...}: writes each file's chart next to it, printing the SVG's
     * path, or why not on {@code err}; 0 when every file got its chart, 1 otherwise.
     */
    public static int chartAll(PrintWriter out, PrintWriter err, List<Path> files) throws IOException {
        if (files.isEmpty()) {
            err.println("no result file given: bench chart FILE.json... (each gets FILE.svg next to it)");
            err.flush();
            return 2;
        }
        int failed = 0;
        for (Path file : files) {
            try {
                out.println("chart written to " + chart(file));
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                failed++;
            }
        }
        out.flush();
        err.flush();
        return failed == 0 ? 0 : 1;
    }

    /** The same without the signalbox command: {@code java -cp bench/target/classes io.signalbox.bench.chart.ResultCharts FILE.json...}. */
    public static void main(String[] args) throws IOException {
        System.exit(chartAll(new PrintWriter(System.out, true), new PrintWriter(System.err, true), Stream.of(args).map(Path::of).toList()));
    }
}
