package io.signalbox.bench.chart;

import io.signalbox.common.Xml;
import java.util.List;
import java.util.Locale;

/**
 * Grouped bar charts as SVG text, built by hand: one panel per measure (throughput, p99, ...),
 * one group of bars per result row (op x outstanding, say), one bar per series (system) in
 * each group, with a legend, axis titles, a value over every bar and heights proportional to
 * the values from a zero baseline. Each bar carries {@code data-series}, {@code data-group}
 * and {@code data-value} so tests (and readers of the file) can check it.
 */
public final class BarChart {
    static final int GROUPS_MAX = 64;
    static final int SERIES_MAX = 8;
    static final int PLOT_HEIGHT = 220;
    private static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"};
    private static final int BAR_WIDTH = 30;
    private static final int BAR_GAP = 4;
    private static final int GROUP_GAP = 26;
    /** Room for a label like "256 outstanding" under a group of one or two bars. */
    private static final int GROUP_WIDTH_MIN = 112;
    private static final int PLOT_LEFT = 78;
    private static final int PANEL_TOP = 46;
    private static final int PANEL_HEIGHT = PANEL_TOP + PLOT_HEIGHT + 64;
    private static final int HEADER_HEIGHT = 48;

    private BarChart() {}

    /**
     * One measure over the rows.
     *
     * @param title   what the bars measure, with the unit ("p99 latency (ms)")
     * @param xTitle  what a group is ("operation, outstanding requests")
     * @param groups  the group labels; a "\n" splits one into two lines
     * @param series  the bars' names in each group, in order (the legend)
     * @param values  [group][series]; NaN where that series has no such row (no bar, "n/a")
     */
    public record Panel(String title, String xTitle, List<String> groups, List<String> series, double[][] values) {
        public Panel {
            groups = List.copyOf(groups);
            series = List.copyOf(series);
            if (groups.isEmpty() || groups.size() > GROUPS_MAX) {
                throw new IllegalArgumentException("panel \"" + title + "\" has " + groups.size() + " groups; allowed 1.." + GROUPS_MAX);
            }
            if (series.isEmpty() || series.size() > SERIES_MAX) {
                throw new IllegalArgumentException("panel \"" + title + "\" has " + series.size() + " series; allowed 1.." + SERIES_MAX);
            }
            if (values.length != groups.size()) {
                throw new IllegalArgumentException("panel \"" + title + "\": " + values.length + " rows of values for " + groups.size() + " groups");
            }
            for (double[] row : values) {
                if (row.length != series.size()) {
                    throw new IllegalArgumentException("panel \"" + title + "\": a row of " + row.length + " values for " + series.size() + " series");
                }
                for (double v : row) {
                    if (v < 0 || Double.isInfinite(v)) {
                        throw new IllegalArgumentException("panel \"" + title + "\": value " + v + " cannot be drawn as a bar (allowed: 0 or more)");
                    }
                }
            }
        }
    }

    /** The SVG document: a title, a subtitle (the machine, say) and the panels one under another. */
    public static String svg(String title, String subtitle, List<Panel> panels) {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("a chart needs at least one panel");
        }
        // Text widths estimated from the font sizes (about 0.6 em a character), so the title is not cut.
        int width = (int) Math.max(24 + title.length() * 9.0, 24 + subtitle.length() * 6.0);
        for (Panel p : panels) {
            width = Math.max(width, panelWidth(p));
        }
        int height = HEADER_HEIGHT + panels.size() * PANEL_HEIGHT;
        StringBuilder out = new StringBuilder(16_384);
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"11\">\n")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        text(out, 12, 20, "start", "font-size=\"15\" font-weight=\"bold\"", title);
        text(out, 12, 38, "start", "fill=\"#666666\" font-size=\"10\"", subtitle);
        for (int i = 0; i < panels.size(); i++) {
            panel(out, panels.get(i), HEADER_HEIGHT + i * PANEL_HEIGHT);
        }
        return out.append("</svg>\n").toString();
    }

    private static int panelWidth(Panel p) {
        return PLOT_LEFT + p.groups().size() * groupWidth(p) + 20;
    }

    private static int groupWidth(Panel p) {
        return Math.max(GROUP_WIDTH_MIN, barsWidth(p) + GROUP_GAP);
    }

    private static int barsWidth(Panel p) {
        return p.series().size() * BAR_WIDTH + (p.series().size() - 1) * BAR_GAP;
    }

    private static void panel(StringBuilder out, Panel p, int top) {
        out.append("<g class=\"panel\" data-title=\"").append(Xml.escape(p.title())).append("\">\n");
        text(out, PLOT_LEFT, top + 16, "start", "font-size=\"13\" font-weight=\"bold\"", p.title());
        legend(out, p, top + 32);
        double max = 0;
        for (double[] row : p.values()) {
            for (double v : row) {
                max = Double.isNaN(v) ? max : Math.max(max, v);
            }
        }
        max = niceMax(max);
        int plotTop = top + PANEL_TOP;
        int baseline = plotTop + PLOT_HEIGHT;
        int plotRight = PLOT_LEFT + p.groups().size() * groupWidth(p);
        for (int tick = 0; tick <= 4; tick++) {
            double y = baseline - tick * PLOT_HEIGHT / 4.0;
            out.append("<line x1=\"").append(PLOT_LEFT).append("\" x2=\"").append(plotRight).append("\" y1=\"").append(fmt(y))
                    .append("\" y2=\"").append(fmt(y)).append("\" stroke=\"").append(tick == 0 ? "#444444" : "#e0e0e0").append("\"/>\n");
            text(out, PLOT_LEFT - 6, y + 4, "end", "fill=\"#444444\"", tick(max * tick / 4));
        }
        out.append("<line x1=\"").append(PLOT_LEFT).append("\" x2=\"").append(PLOT_LEFT).append("\" y1=\"").append(plotTop)
                .append("\" y2=\"").append(baseline).append("\" stroke=\"#444444\"/>\n");
        out.append("<text transform=\"translate(16 ").append(plotTop + PLOT_HEIGHT / 2).append(") rotate(-90)\" text-anchor=\"middle\"")
                .append(" fill=\"#444444\">").append(Xml.escape(p.title())).append("</text>\n");
        for (int g = 0; g < p.groups().size(); g++) {
            int groupLeft = PLOT_LEFT + g * groupWidth(p);
            int barsLeft = groupLeft + (groupWidth(p) - barsWidth(p)) / 2;
            for (int s = 0; s < p.series().size(); s++) {
                double v = p.values()[g][s];
                double x = barsLeft + s * (BAR_WIDTH + BAR_GAP);
                if (Double.isNaN(v)) {
                    text(out, x + BAR_WIDTH / 2.0, baseline - 4, "middle", "fill=\"#999999\" font-size=\"9\"", "n/a");
                    continue;
                }
                double h = v / max * PLOT_HEIGHT;
                out.append("<rect class=\"bar\" data-series=\"").append(Xml.escape(p.series().get(s))).append("\" data-group=\"")
                        .append(Xml.escape(p.groups().get(g).replace('\n', ' '))).append("\" data-value=\"").append(v)
                        .append("\" x=\"").append(fmt(x)).append("\" y=\"").append(fmt(baseline - h)).append("\" width=\"").append(BAR_WIDTH)
                        .append("\" height=\"").append(fmt(h)).append("\" fill=\"").append(COLOURS[s]).append("\"/>\n");
                text(out, x + BAR_WIDTH / 2.0, baseline - h - 3, "middle", "font-size=\"9\"", value(v));
            }
            String[] lines = p.groups().get(g).split("\n", 2);
            double centre = groupLeft + groupWidth(p) / 2.0;
            for (int line = 0; line < lines.length; line++) {
                text(out, centre, baseline + 16 + line * 13, "middle", "", lines[line]);
            }
        }
        text(out, PLOT_LEFT + (plotRight - PLOT_LEFT) / 2.0, baseline + 52, "middle", "fill=\"#444444\"", p.xTitle());
        out.append("</g>\n");
    }

    private static void legend(StringBuilder out, Panel p, int y) {
        double x = PLOT_LEFT;
        for (int s = 0; s < p.series().size(); s++) {
            out.append("<rect class=\"legend\" x=\"").append(fmt(x)).append("\" y=\"").append(y - 9).append("\" width=\"10\" height=\"10\" fill=\"")
                    .append(COLOURS[s]).append("\"/>\n");
            text(out, x + 14, y, "start", "", p.series().get(s));
            x += 24 + 6.5 * p.series().get(s).length();
        }
    }

    /** The smallest 1, 2, 3, 4, 6 or 8 times a power of ten at or above {@code v}: its quarters are round ticks. */
    static double niceMax(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double step = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 3, 4, 6, 8, 10}) {
            if (m * step >= v * (1 - 1e-12)) {
                return m * step;
            }
        }
        return 10 * step;
    }

    private static String tick(double v) {
        return java.math.BigDecimal.valueOf(v).setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    static String value(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
    }

    private static void text(StringBuilder out, double x, double y, String anchor, String attributes, String content) {
        out.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y)).append("\" text-anchor=\"").append(anchor).append('"')
                .append(attributes.isEmpty() ? "" : " " + attributes).append('>').append(Xml.escape(content)).append("</text>\n");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
