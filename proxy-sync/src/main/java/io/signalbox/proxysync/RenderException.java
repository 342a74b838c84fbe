package io.signalbox.proxysync;

/** A value that must never reach a proxy's configuration; names the field and the value, and nothing is written. */
public final class RenderException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public RenderException(String field, String value, String rule) {
        super(field + ": " + quoteVisibly(value) + " " + rule);
    }

    /** The value with control characters shown, so a newline in it is visible in the message. */
    private static String quoteVisibly(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : String.valueOf(value).toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
