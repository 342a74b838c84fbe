package io.signalbox.state;

/**
 * A command was refused and nothing was appended. The message names the field, the
 * value and the rule, e.g. {@code server.address: "localhost" is not an IP literal ...}.
 */
public class Rejection extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String field;
    private final String detail;

    public Rejection(String field, String detail) {
        super(field + ": " + detail);
        this.field = field;
        this.detail = detail;
    }

    public String field() {
        return field;
    }

    /** The same rejection about a field one level down, e.g. inside {@code multi.commands[2].}. */
    public Rejection under(String prefix) {
        return new Rejection(prefix + field, detail);
    }

    /** A conditional write whose expected version does not match. */
    public static final class Conflict extends Rejection {
        private static final long serialVersionUID = 1L;

        public Conflict(String field, String detail) {
            super(field, detail);
        }

        @Override
        public Rejection under(String prefix) {
            return new Conflict(prefix + field(), detail());
        }
    }

    String detail() {
        return detail;
    }

    /** Quotes a user value for an error message, with control and non-ASCII characters escaped. */
    static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        int shown = Math.min(value.length(), 80);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (value.length() > shown) {
            out.append("...(").append(value.length()).append(" chars)");
        }
        return out.append('"').toString();
    }
}
