package io.signalbox.bench.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The benchmark charts: well-formed SVG, one bar per system per row, heights in proportion to the figures. */
class ResultChartsTest {
    private static final String COMPARE = "{\"machine\":\"cores=2 cpu=\\\"Test <CPU>\\\"\",\"nodes\":3,\"valueBytes\":100,"
            + "\"durationSeconds\":20.0,\"warmupSeconds\":10.0,\"heap\":\"1g\",\"rows\":["
            + row("zookeeper", "write", 1, 1500, 4.0) + "," + row("zookeeper", "write", 16, 6000, 5.0) + ","
            + row("zookeeper", "read", 1, 7000, 0.2) + "," + row("signalbox", "write", 1, 1000, 4.5) + ","
            + row("signalbox", "write", 16, 6200, 6.5) + "," + row("signalbox", "read", 1, 12000, 0.1) + "]}";

    private static String row(String system, String op, int outstanding, double ops, double p99) {
        return String.format(java.util.Locale.ROOT, "{\"system\":\"%s\",\"op\":\"%s\",\"outstanding\":%d,\"opsPerSecond\":%.1f,"
                + "\"p50Ms\":0.5,\"p99Ms\":%.3f,\"p999Ms\":9.0,\"errors\":0,\"serverCpuSeconds\":1.0}", system, op, outstanding, ops, p99);
    }

    private record Bar(String panel, String series, String group, double value, double height, double y) {}

    @Test
    void aCompareResultGetsOneBarPerSystemPerRowInEachPanelWithHeightsInProportion() throws Exception {
        Document svg = parse(ResultCharts.svg(COMPARE));
        assertEquals("svg", svg.getDocumentElement().getTagName());
        List<Bar> bars = bars(svg);
        assertEquals(2 * 3 * 2, bars.size(), "2 panels x 3 rows x 2 systems: " + bars);
        for (String panel : List.of("throughput (ops/s)", "p99 latency (ms)")) {
            List<Bar> in = bars.stream().filter(b -> b.panel().equals(panel)).toList();
            assertEquals(6, in.size(), panel);
            for (String group : List.of("write 1 outstanding", "write 16 outstanding", "read 1 outstanding")) {
                assertEquals(List.of("zookeeper", "signalbox"), in.stream().filter(b -> b.group().equals(group)).map(Bar::series).toList(),
                        panel + ", " + group + ": both systems side by side");
            }
            double pixelsPerUnit = in.get(0).height() / in.get(0).value();
            for (Bar bar : in) {
                assertEquals(bar.value() * pixelsPerUnit, bar.height(), 0.02, "height in proportion: " + bar);
                assertEquals(BarChart.PLOT_HEIGHT, bar.y() + bar.height() - baselineOf(in), 0.02, "every bar stands on the baseline");
            }
            double tallest = in.stream().mapToDouble(Bar::height).max().orElseThrow();
            assertTrue(tallest <= BarChart.PLOT_HEIGHT && tallest > BarChart.PLOT_HEIGHT / 2.0, "the scale fits the tallest bar: " + tallest);
        }
        Bar signalboxReads = bars.stream().filter(b -> b.panel().startsWith("throughput") && b.series().equals("signalbox")
                && b.group().equals("read 1 outstanding")).findFirst().orElseThrow();
        assertEquals(12000, signalboxReads.value());
        String text = svg.getDocumentElement().getTextContent();
        assertTrue(text.contains("12000") && text.contains("6.50") && text.contains("0.10"), "values over the bars: " + text);
        assertTrue(text.contains("zookeeper") && text.contains("signalbox"), "a legend");
        assertTrue(text.contains("operation, requests outstanding"), "an axis title");
        assertTrue(text.contains("3 nodes, 100 B values, 20 s per row"), text);
        assertTrue(text.contains("Test <CPU>"), "the machine, escaped in the file and intact in the text");
    }

    private static double baselineOf(List<Bar> bars) {
        return bars.stream().mapToDouble(b -> b.y() + b.height()).max().orElseThrow() - BarChart.PLOT_HEIGHT;
    }

    @Test
    void aSeriesWithoutARowHasNoBarThere() throws Exception {
        String haproxy = "{\"machine\":\"m\",\"rows\":["
                + "{\"approach\":\"signalbox runtime API\",\"change\":\"weight\",\"samples\":10,\"p50Ms\":1.5,\"p99Ms\":8.0,\"maxMs\":9,\"reloads\":0},"
                + "{\"approach\":\"signalbox runtime API\",\"change\":\"new service (reload)\",\"samples\":5,\"p50Ms\":95,\"p99Ms\":160,\"maxMs\":170,\"reloads\":5},"
                + "{\"approach\":\"reload per change\",\"change\":\"weight\",\"samples\":10,\"p50Ms\":90,\"p99Ms\":120,\"maxMs\":140,\"reloads\":10}]}";
        List<Bar> bars = bars(parse(ResultCharts.svg(haproxy)));
        assertEquals(2 * 3, bars.size(), "per panel: weight twice, new service once: " + bars);
        assertFalse(bars.stream().anyMatch(b -> b.series().equals("reload per change") && b.group().equals("new service (reload)")));
        assertTrue(ResultCharts.svg(haproxy).contains(">n/a<"), "the missing bar is marked");
    }

    @Test
    void nginxFiguresAreReadBackOutOfItsSentences() throws Exception {
        String nginx = "{\"machine\":\"m\",\"rows\":["
                + "{\"what\":\"latency, debounce 200 ms\",\"value\":\"100 changes one at a time: p50 235.6 ms, p99 258.8 ms, max 259.1 ms, 100 reloads\"},"
                + "{\"what\":\"stream\",\"value\":\"1001 changes at 100/s: 10 reloads (10.0 per 1,000 changes); 27267 requests\"},"
                + "{\"what\":\"latency, debounce 0 ms\",\"value\":\"100 changes one at a time: p50 98.4 ms, p99 131.2 ms, max 131.8 ms, 100 reloads\"},"
                + "{\"what\":\"workers after the stream\",\"value\":\"2 worker processes, 9 MiB resident\"},"
                + "{\"what\":\"latency, dynamic mode\",\"value\":\"100 changes one at a time: p50 2.7 ms, p99 7.6 ms, max 11.6 ms, 0 reloads\"},"
                + "{\"what\":\"stream, dynamic mode\",\"value\":\"1001 changes at 100/s: 0 reloads (0.0 per 1,000 changes); 14108 requests\"}]}";
        List<Bar> bars = bars(parse(ResultCharts.svg(nginx)));
        List<Bar> latency = bars.stream().filter(b -> b.panel().startsWith("change latency")).toList();
        assertEquals(List.of(235.6, 258.8, 259.1, 98.4, 131.2, 131.8, 2.7, 7.6, 11.6), latency.stream().map(Bar::value).toList());
        assertEquals(List.of("p50", "p99", "max", "p50", "p99", "max", "p50", "p99", "max"), latency.stream().map(Bar::series).toList());
        List<Bar> reloads = bars.stream().filter(b -> b.panel().startsWith("reloads")).toList();
        assertEquals(List.of(10.0, 0.0), reloads.stream().map(Bar::value).toList());
        assertEquals(List.of("debounce 200 ms", "dynamic mode"), reloads.stream().map(Bar::group).toList());
    }

    @Test
    void theChartIsWrittenNextToTheResultAndBadInputIsRefusedNamingIt(@TempDir Path directory) throws Exception {
        Path json = Files.writeString(directory.resolve("compare-20260101T000000Z.json"), COMPARE);
        assertEquals(directory.resolve("compare-20260101T000000Z.svg"), ResultCharts.chart(json));
        assertEquals(12, bars(parse(Files.readString(directory.resolve("compare-20260101T000000Z.svg")))).size());

        Path text = Files.writeString(directory.resolve("notes.txt"), COMPARE);
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> ResultCharts.chart(text));
        assertTrue(name.getMessage().contains("notes.txt") && name.getMessage().contains(".json"), name.getMessage());

        Path other = Files.writeString(directory.resolve("other.json"), "{\"rows\":[{\"colour\":\"red\"}]}");
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> ResultCharts.chart(other));
        assertTrue(kind.getMessage().contains("other.json") && kind.getMessage().contains("[colour]"), kind.getMessage());

        Path cut = Files.writeString(directory.resolve("cut.json"), COMPARE.substring(0, 200));
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class, () -> ResultCharts.chart(cut));
        assertTrue(broken.getMessage().contains("cut.json") && broken.getMessage().contains("at character"), broken.getMessage());
        assertFalse(Files.exists(directory.resolve("other.svg")) || Files.exists(directory.resolve("cut.svg")), "nothing written for a refused file");

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(1, ResultCharts.chartAll(new PrintWriter(out), new PrintWriter(err), List.of(json, cut)), "one of two failed");
        assertTrue(out.toString().contains("compare-20260101T000000Z.svg") && err.toString().contains("cut.json"), out + "\n" + err);
        assertEquals(0, ResultCharts.chartAll(new PrintWriter(out), new PrintWriter(err), List.of(json)));
        assertEquals(2, ResultCharts.chartAll(new PrintWriter(out), new PrintWriter(err), List.of()), "no file given");
    }

    @Test
    void everyCheckedInResultHasAChartThatParses() throws Exception {
        Path results = Path.of("results");
        assertTrue(Files.isDirectory(results), "bench/results exists (tests run in the bench module)");
        List<Path> files;
        try (Stream<Path> listing = Files.list(results)) {
            files = listing.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        for (Path json : files) {
            assertFalse(bars(parse(ResultCharts.svg(Files.readString(json)))).isEmpty(), json.toString());
        }
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Bar> bars(Document svg) {
        List<Bar> bars = new ArrayList<>();
        NodeList panels = svg.getElementsByTagName("g");
        for (int i = 0; i < panels.getLength(); i++) {
            Element panel = (Element) panels.item(i);
            NodeList rects = panel.getElementsByTagName("rect");
            for (int j = 0; j < rects.getLength(); j++) {
                Element rect = (Element) rects.item(j);
                if (rect.getAttribute("class").equals("bar")) {
                    bars.add(new Bar(panel.getAttribute("data-title"), rect.getAttribute("data-series"), rect.getAttribute("data-group"),
                            Double.parseDouble(rect.getAttribute("data-value")), Double.parseDouble(rect.getAttribute("height")),
                            Double.parseDouble(rect.getAttribute("y"))));
                }
            }
        }
        return bars;
    }
}
