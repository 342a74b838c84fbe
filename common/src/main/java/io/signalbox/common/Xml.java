package io.signalbox.common;

/**
 * Text for XML (the SVG charts of the benchmarks and the simulator): markup characters
 * escaped, and control characters XML 1.0 forbids turned into spaces, so a label never makes a
 * chart unreadable.
 */
public final class Xml {
    private Xml() {}

    /** {@code s} as XML character data or an attribute value. */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c < 0x20 && c != '\t' && c != '\n' ? ' ' : c);
            }
        }
        return out.toString();
    }
}
