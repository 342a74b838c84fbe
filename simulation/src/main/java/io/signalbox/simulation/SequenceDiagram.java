package io.signalbox.simulation;

import io.signalbox.common.Xml;
import io.signalbox.simulation.SequenceRecorder.Arrow;
import io.signalbox.simulation.SequenceRecorder.Kind;
import io.signalbox.simulation.SequenceRecorder.Mark;
import io.signalbox.simulation.SequenceRecorder.Phase;
import java.util.Map;
import java.util.TreeMap;

/**
 * Draws a {@link SequenceRecorder}'s opening of a run as an SVG message sequence chart: one
 * lane per node, time downwards, an arrow per message coloured by protocol phase (dashed and
 * crossed out when it never arrived), role changes and faults as labels on the lanes.
 * Simulated time is stretched where much happens and squeezed where nothing does, so each
 * label gets a row of its own; the left margin gives the tick of every row.
 */
public final class SequenceDiagram {
    private static final int LANE_GAP = 230;
    private static final int LEFT = 90;
    private static final int TOP = 120;
    private static final int ROW = 14;
    private static final double PIXELS_PER_TICK = 24;
    private static final int IDLE_MAX = 40;
    private static final Map<Phase, String> COLOURS = Map.of(Phase.ELECTION, "#6b7a8f", Phase.DISCOVERY, "#7b3fa0",
            Phase.SYNC, "#d9822b", Phase.BROADCAST, "#2e8b57", Phase.FORWARD, "#1f7a99");

    private final SequenceRecorder recording;
    private final String title;
    /** The row of each label, by its index: marks first, then arrows, as {@link #layOutRows} numbers them. */
    private final Map<Long, Double> rowOf = new java.util.HashMap<>();
    /** The first row at each simulated time. */
    private final TreeMap<Long, Double> times = new TreeMap<>();
    private double bottom;

    public SequenceDiagram(SequenceRecorder recording, String title) {
        this.recording = recording;
        this.title = title;
        layOutRows();
    }

    /** The chart as a standalone SVG document. */
    public String svg() {
        int width = LEFT + LANE_GAP * recording.nodes() + 170;
        int height = (int) Math.ceil(bottom) + 60;
        StringBuilder svg = new StringBuilder(64 * 1024);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" font-family=\"sans-serif\" font-size=\"10\">\n")
                .append("<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
                        + "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"context-stroke\"/></marker></defs>\n")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(svg, 10, 20, "start", "font-size=\"14\" font-weight=\"bold\"", title);
        legend(svg);
        for (int node = 1; node <= recording.nodes(); node++) {
            double x = laneX(node);
            svg.append("<rect class=\"lane-head\" x=\"").append(fmt(x - 40)).append("\" y=\"").append(TOP - 34)
                    .append("\" width=\"80\" height=\"22\" rx=\"4\" fill=\"#eef2f7\" stroke=\"#445\"/>\n");
            text(svg, x, TOP - 19, "middle", "font-size=\"12\"", "node " + node);
            svg.append("<line class=\"lane\" x1=\"").append(fmt(x)).append("\" y1=\"").append(TOP - 12).append("\" x2=\"").append(fmt(x))
                    .append("\" y2=\"").append(height - 30).append("\" stroke=\"#99a\" stroke-dasharray=\"2,3\"/>\n");
        }
        long index = 0;
        for (Mark mark : recording.marks()) {
            mark(svg, mark, rowOf.get(index++));
        }
        for (Arrow arrow : recording.arrows()) {
            arrow(svg, arrow, rowOf.get(index++));
        }
        text(svg, 10, height - 10, "start", "fill=\"#555\"", recording.arrows().size() + " messages drawn, "
                + recording.heartbeatsOmitted() + " heartbeats (Ping) not drawn; simulated time in ticks on the left");
        return svg.append("</svg>\n").toString();
    }

    private void legend(StringBuilder svg) {
        double x = 10;
        for (Phase phase : Phase.values()) {
            svg.append("<line x1=\"").append(fmt(x)).append("\" y1=\"44\" x2=\"").append(fmt(x + 24)).append("\" y2=\"44\" stroke=\"")
                    .append(COLOURS.get(phase)).append("\" stroke-width=\"2\"/>\n");
            text(svg, x + 28, 48, "start", "", phase.name().toLowerCase());
            x += 110;
        }
        svg.append("<line x1=\"").append(fmt(x)).append("\" y1=\"44\" x2=\"").append(fmt(x + 24))
                .append("\" y2=\"44\" stroke=\"#c0392b\" stroke-dasharray=\"4,3\"/>\n");
        text(svg, x + 28, 48, "start", "", "lost");
        text(svg, 10, 66, "start", "fill=\"#555\"", "red: faults, blue: roles, green: recoveries, grey: broadcast not drawn");
    }

    private void arrow(StringBuilder svg, Arrow arrow, double y1) {
        double x1 = laneX(arrow.from);
        double x2 = laneX(arrow.to);
        boolean lostAtOnce = arrow.arrival < 0;
        double y2 = lostAtOnce ? y1 + 8 : Math.max(y1 + 4, yAt(arrow.arrival));
        if (lostAtOnce) {
            x2 = x1 + (x2 - x1) * 0.3;
        }
        String colour = arrow.delivered() ? COLOURS.get(arrow.phase) : "#c0392b";
        svg.append("<line class=\"msg ").append(arrow.phase.name().toLowerCase()).append(arrow.delivered() ? "" : " lost")
                .append("\" x1=\"").append(fmt(x1)).append("\" y1=\"").append(fmt(y1)).append("\" x2=\"").append(fmt(x2))
                .append("\" y2=\"").append(fmt(y2)).append("\" stroke=\"").append(colour).append('"')
                .append(arrow.delivered() ? " marker-end=\"url(#head)\"" : " stroke-dasharray=\"4,3\"").append("><title>")
                .append(Xml.escape(arrow.label + " " + arrow.from + "→" + arrow.to + " sent t=" + SequenceRecorder.ticks(arrow.sent)
                        + (lostAtOnce ? " lost" : (arrow.delivered() ? " arrived" : " dropped") + " t=" + SequenceRecorder.ticks(arrow.arrival))))
                .append("</title></line>\n");
        if (!arrow.delivered()) {
            svg.append("<text x=\"").append(fmt(x2)).append("\" y=\"").append(fmt(y2 + 4))
                    .append("\" text-anchor=\"middle\" fill=\"#c0392b\" font-size=\"12\">×</text>\n");
        }
        boolean rightwards = x2 >= x1;
        text(svg, x1 + (rightwards ? 6 : -6), y1 - 2, rightwards ? "start" : "end", "fill=\"" + colour + "\"", arrow.label);
    }

    private void mark(StringBuilder svg, Mark mark, double y) {
        String colour = switch (mark.kind()) {
            case ROLE -> "#1f4e99";
            case FAULT -> "#c0392b";
            case RECOVERY -> "#2e7d32";
            case GAP -> "#888";
        };
        text(svg, 10, y + 3, "start", "fill=\"#777\"", "t=" + SequenceRecorder.ticks(mark.time()));
        if (mark.node() == 0) {
            int right = LEFT + LANE_GAP * recording.nodes();
            svg.append("<line class=\"mark ").append(mark.kind().name().toLowerCase()).append("\" x1=\"").append(LEFT - 20)
                    .append("\" y1=\"").append(fmt(y)).append("\" x2=\"").append(right).append("\" y2=\"").append(fmt(y))
                    .append("\" stroke=\"").append(colour).append("\" stroke-dasharray=\"6,4\"/>\n");
            text(svg, LEFT + 4, y - 3, "start", "fill=\"" + colour + "\" font-style=\"italic\"", mark.text());
            return;
        }
        double x = laneX(mark.node());
        svg.append("<circle class=\"mark ").append(mark.kind().name().toLowerCase()).append("\" cx=\"").append(fmt(x)).append("\" cy=\"")
                .append(fmt(y)).append("\" r=\"4\" fill=\"").append(colour).append("\"/>\n");
        text(svg, x + 7, y + 3, "start", "fill=\"" + colour + "\" font-weight=\"bold\"", mark.text());
    }

    /**
     * Every label (a message leaving, a mark) gets a row of its own, in the order they
     * happened: {@link #ROW} pixels below the previous one, more when simulated time passed
     * between them (up to {@link #IDLE_MAX}, so quiet stretches stay short). An arrival falls
     * on the first row at or after its time, so an arrow always points down the timeline.
     */
    private void layOutRows() {
        java.util.List<long[]> labels = new java.util.ArrayList<>();
        int order = 0;
        for (Mark mark : recording.marks()) {
            labels.add(new long[] {mark.time(), order++});
        }
        for (Arrow arrow : recording.arrows()) {
            labels.add(new long[] {arrow.sent, order++});
        }
        labels.sort(java.util.Comparator.<long[]>comparingLong(l -> l[0]).thenComparingLong(l -> l[1]));
        double y = TOP;
        long previous = 0;
        for (long[] label : labels) {
            y += ROW + Math.min(IDLE_MAX, (label[0] - previous) * PIXELS_PER_TICK / SimulationOptions.TICK_UNITS);
            rowOf.put(label[1], y);
            times.putIfAbsent(label[0], y);
            previous = label[0];
        }
        bottom = y + ROW + Math.min(IDLE_MAX, (recording.end() - previous) * PIXELS_PER_TICK / SimulationOptions.TICK_UNITS);
    }

    /** Where {@code time} falls on the timeline: the first row at or after it. */
    private double yAt(long time) {
        Map.Entry<Long, Double> next = times.ceilingEntry(time);
        return next == null ? bottom : next.getValue();
    }

    private static double laneX(int node) {
        return LEFT + LANE_GAP * (node - 0.5);
    }

    private static void text(StringBuilder svg, double x, double y, String anchor, String attributes, String text) {
        svg.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y)).append("\" text-anchor=\"").append(anchor).append('"')
                .append(attributes.isEmpty() ? "" : " " + attributes).append('>').append(Xml.escape(text)).append("</text>\n");
    }

    private static String fmt(double value) {
        return String.format(java.util.Locale.ROOT, "%.1f", value);
    }
}
