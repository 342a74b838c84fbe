package io.signalbox.chaos;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads back the one-line JSON objects the harness writes (history.jsonl, final.jsonl): one
 * level, values that are strings (as {@link io.signalbox.common.Json#quote} escapes them),
 * integers or booleans. Anything else is refused naming the line and the position.
 */
final class FlatJson {
    static final int LINE_CHARS_MAX = 1 << 20;

    private FlatJson() {}

    /** The object's fields in order, each value as text (strings unescaped). */
    static Map<String, String> parse(String line) {
        if (line.length() > LINE_CHARS_MAX) {
            throw new IllegalArgumentException("a JSON line of " + line.length() + " characters; at most " + LINE_CHARS_MAX);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        int[] at = {skip(line, 0)};
        expect(line, at, '{');
        if (peek(line, at) == '}') {
            return fields;
        }
        while (true) {
            String name = string(line, at);
            expect(line, at, ':');
            String value = peek(line, at) == '"' ? string(line, at) : bare(line, at);
            fields.put(name, value);
            char next = peek(line, at);
            at[0]++;
            if (next == '}') {
                return fields;
            }
            if (next != ',') {
                throw bad(line, at[0] - 1, "expected , or }");
            }
        }
    }

    private static String string(String line, int[] at) {
        expect(line, at, '"');
        StringBuilder out = new StringBuilder();
        for (int i = at[0]; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                at[0] = skip(line, i + 1);
                return out.toString();
            }
            if (c == '\\' && i + 1 < line.length()) {
                char e = line.charAt(++i);
                if (e == 'u' && i + 4 < line.length()) {
                    out.append((char) Integer.parseInt(line.substring(i + 1, i + 5), 16));
                    i += 4;
                } else {
                    out.append(e == 'n' ? '\n' : e == 't' ? '\t' : e);
                }
            } else {
                out.append(c);
            }
        }
        throw bad(line, line.length(), "unterminated string");
    }

    private static String bare(String line, int[] at) {
        int start = at[0];
        int end = start;
        while (end < line.length() && (Character.isLetterOrDigit(line.charAt(end)) || line.charAt(end) == '-')) {
            end++;
        }
        if (end == start) {
            throw bad(line, start, "expected a value");
        }
        at[0] = skip(line, end);
        return line.substring(start, end);
    }

    private static void expect(String line, int[] at, char c) {
        if (peek(line, at) != c) {
            throw bad(line, at[0], "expected " + c);
        }
        at[0] = skip(line, at[0] + 1);
    }

    private static char peek(String line, int[] at) {
        return at[0] < line.length() ? line.charAt(at[0]) : '\0';
    }

    private static int skip(String line, int i) {
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private static IllegalArgumentException bad(String line, int position, String what) {
        return new IllegalArgumentException("not a flat JSON object at character " + position + " (" + what + "): "
                + (line.length() > 120 ? line.substring(0, 120) + "..." : line));
    }
}
