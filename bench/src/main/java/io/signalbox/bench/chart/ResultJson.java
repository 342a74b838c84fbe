package io.signalbox.bench.chart;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a benchmark result document back (JSON objects, arrays, strings, numbers, booleans,
 * null) as maps, lists, strings, doubles and booleans. Bounded in size and depth; anything
 * else is refused naming the position.
 */
final class ResultJson {
    static final int CHARS_MAX = 16 << 20;
    static final int DEPTH_MAX = 32;

    private final String text;
    private int at;

    private ResultJson(String text) {
        this.text = text;
    }

    static Object parse(String text) {
        if (text.length() > CHARS_MAX) {
            throw new IllegalArgumentException("a result document of " + text.length() + " characters; at most " + CHARS_MAX);
        }
        ResultJson reader = new ResultJson(text);
        Object value = reader.value(0);
        reader.blanks();
        if (reader.at != text.length()) {
            throw reader.refused("text after the document");
        }
        return value;
    }

    private Object value(int depth) {
        if (depth > DEPTH_MAX) {
            throw refused("nested deeper than " + DEPTH_MAX);
        }
        blanks();
        char c = at < text.length() ? text.charAt(at) : '\0';
        if (c == '{') {
            return object(depth);
        } else if (c == '[') {
            return array(depth);
        } else if (c == '"') {
            return string();
        } else if (text.startsWith("true", at) || text.startsWith("false", at) || text.startsWith("null", at)) {
            String word = text.startsWith("true", at) ? "true" : text.startsWith("false", at) ? "false" : "null";
            at += word.length();
            return word.equals("null") ? null : Boolean.valueOf(word);
        }
        int start = at;
        while (at < text.length() && "+-.eE0123456789".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        try {
            return Double.parseDouble(text.substring(start, at));
        } catch (NumberFormatException e) {
            at = start;
            throw refused("expected a value");
        }
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> fields = new LinkedHashMap<>();
        at++;
        if (next('}')) {
            return fields;
        }
        do {
            blanks();
            if (at >= text.length() || text.charAt(at) != '"') {
                throw refused("expected a field name");
            }
            String name = string();
            if (!next(':')) {
                throw refused("expected :");
            }
            fields.put(name, value(depth + 1));
        } while (next(','));
        if (!next('}')) {
            throw refused("expected , or }");
        }
        return fields;
    }

    private List<Object> array(int depth) {
        List<Object> items = new ArrayList<>();
        at++;
        if (next(']')) {
            return items;
        }
        do {
            items.add(value(depth + 1));
        } while (next(','));
        if (!next(']')) {
            throw refused("expected , or ]");
        }
        return items;
    }

    private String string() {
        StringBuilder out = new StringBuilder();
        at++;
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= text.length()) {
                break;
            }
            char escaped = text.charAt(at++);
            switch (escaped) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw refused("a cut \\u escape");
                    }
                    out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> out.append(escaped);
            }
        }
        throw refused("an unterminated string");
    }

    private boolean next(char c) {
        blanks();
        if (at < text.length() && text.charAt(at) == c) {
            at++;
            return true;
        }
        return false;
    }

    private void blanks() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private IllegalArgumentException refused(String what) {
        int from = Math.max(0, at - 30);
        return new IllegalArgumentException("not a benchmark result document: " + what + " at character " + at + " (near \""
                + text.substring(from, Math.min(text.length(), at + 30)) + "\")");
    }
}
