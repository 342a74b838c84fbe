package io.signalbox.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The message sequence chart of one seed: it must not change the run it draws, must tell the
 * story (election, discovery, sync, broadcast, a fault, the next leader), stay within its
 * limits, and be an SVG whose every arrow points down the timeline.
 */
class SequenceDiagramTest {
    /** Seed 11 on 3 nodes: node 3 elected, then paused; node 2 elected in its place. */
    private static final long PAUSED_LEADER_SEED = 11;
    /** Seed 698: hours of faults; the chart must stop at its limits. */
    private static final long FAULT_HEAVY_SEED = 698;

    private final SimulationRunner runner = new SimulationRunner(3, 3000, Set.of());

    @Test
    void recordingDoesNotChangeTheRun() {
        SimulationResult plain = runner.runSeed(PAUSED_LEADER_SEED);
        SimulationResult recorded = runner.runSeed(PAUSED_LEADER_SEED, new SequenceRecorder(3));
        assertEquals(plain.traceDigest(), recorded.traceDigest());
        assertEquals(plain.commits(), recorded.commits());
    }

    @Test
    void theChartTellsAnElectionAFaultAndTheNextLeader() throws Exception {
        SequenceRecorder recorder = new SequenceRecorder(3);
        runner.runSeed(PAUSED_LEADER_SEED, recorder);
        assertTrue(recorder.complete(), "the story ends once the second leader's broadcast was sampled");
        List<String> marks = recorder.marks().stream().map(SequenceRecorder.Mark::text).toList();
        int firstLeader = marks.indexOf("LEADING leader=3 epoch=1 established");
        int pause = indexOfPrefix(marks, "pause");
        int secondLeader = marks.indexOf("LEADING leader=2 epoch=2 established");
        assertTrue(firstLeader >= 0 && firstLeader < pause && pause < secondLeader, marks.toString());

        Document svg = parse(new SequenceDiagram(recorder, "seed 11").svg());
        assertEquals(3, elementsWithClass(svg, "line", "lane").size());
        for (String phase : List.of("election", "discovery", "sync", "broadcast")) {
            assertTrue(!elementsWithClass(svg, "line", "msg", phase).isEmpty(), "no " + phase + " arrow");
        }
        List<Element> arrows = elementsWithClass(svg, "line", "msg");
        assertEquals(recorder.arrows().size(), arrows.size());
        for (Element arrow : arrows) {
            assertTrue(Double.parseDouble(arrow.getAttribute("y2")) > Double.parseDouble(arrow.getAttribute("y1")),
                    "an arrow points up the timeline: " + arrow.getTextContent());
        }
        assertTrue(!elementsWithClass(svg, "line", "lost").isEmpty(), "messages to the paused leader are drawn as lost");
        assertTrue(svg.getDocumentElement().getTextContent().contains("broadcast messages not drawn"));
    }

    @Test
    void aFaultHeavyRunStopsAtTheLimits() {
        SequenceRecorder recorder = new SequenceRecorder(3);
        runner.runSeed(FAULT_HEAVY_SEED, recorder);
        assertTrue(recorder.complete());
        assertTrue(recorder.arrows().size() <= SequenceRecorder.MESSAGES_MAX);
        assertTrue(recorder.marks().size() <= SequenceRecorder.MARKS_MAX);
        assertTrue(recorder.heartbeatsOmitted() > 0);
    }

    @Test
    void labelsAreEscaped() {
        assertEquals("a&lt;b&gt; &amp; &quot;c&quot;", io.signalbox.common.Xml.escape("a<b> & \"c\""));
    }

    private static int indexOfPrefix(List<String> texts, String prefix) {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    /** Elements of {@code tag} that carry every one of {@code classes}. */
    private static List<Element> elementsWithClass(Document document, String tag, String... classes) {
        List<Element> found = new ArrayList<>();
        NodeList all = document.getElementsByTagName(tag);
        for (int i = 0; i < all.getLength(); i++) {
            Element element = (Element) all.item(i);
            if (List.of(element.getAttribute("class").split(" ")).containsAll(List.of(classes))) {
                found.add(element);
            }
        }
        return found;
    }
}
