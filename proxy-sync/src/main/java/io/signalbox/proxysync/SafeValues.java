package io.signalbox.proxysync;

import io.signalbox.state.IpAddress;
import java.util.regex.Pattern;

/**
 * The second line of defence: every value is checked again just before it is written into
 * a proxy's configuration, whatever validated it before (proxy-notes.md, injection rules).
 * Names, paths and addresses are accepted only in forms that cannot carry a directive.
 */
public final class SafeValues {
    private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9_-]{0,62}$");
    /** An absolute URL path of unreserved and sub-path characters: no space, quote, {@code #}, {@code ;}, {@code $} or braces. */
    private static final Pattern HTTP_PATH = Pattern.compile("^/[A-Za-z0-9._~/-]{0,127}$");
    /** A file path the agent itself chose: no whitespace, quotes, {@code #}, {@code ;}, {@code $} or braces. */
    private static final Pattern FILE_PATH = Pattern.compile("^/[A-Za-z0-9._/-]{0,255}$");

    private SafeValues() {}

    public static String name(String field, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new RenderException(field, value, "is not a name (^[a-z][a-z0-9_-]{0,62}$)");
        }
        return value;
    }

    public static String httpPath(String field, String value) {
        if (value == null || !HTTP_PATH.matcher(value).matches()) {
            throw new RenderException(field, value, "is not a plain absolute path (^/[A-Za-z0-9._~/-]{0,127}$)");
        }
        return value;
    }

    public static String filePath(String field, String value) {
        if (value == null || !FILE_PATH.matcher(value).matches()) {
            throw new RenderException(field, value, "is not a plain absolute file path (^/[A-Za-z0-9._/-]{0,255}$)");
        }
        return value;
    }

    /** The canonical literal of an IP address, re-parsed so that nothing but a literal comes out. */
    public static String ipLiteral(String field, IpAddress address) {
        String text = String.valueOf(address);
        try {
            return IpAddress.parse(field, text).toString();
        } catch (RuntimeException e) {
            throw new RenderException(field, text, "is not an IP literal");
        }
    }

    /** An IP literal given as text (the agent's own settings), in canonical form. */
    public static String ipLiteral(String field, String text) {
        try {
            return IpAddress.parse(field, text).toString();
        } catch (RuntimeException e) {
            throw new RenderException(field, text, "is not an IP literal");
        }
    }

    /** {@code 10.0.0.1:80} or {@code [fd00::1]:80}, from a literal that went through {@link #ipLiteral}. */
    public static String address(String ipLiteral, int port) {
        return (ipLiteral.indexOf(':') >= 0 ? "[" + ipLiteral + "]" : ipLiteral) + ":" + port;
    }

    public static int port(String field, int value) {
        return range(field, value, 1, 65_535);
    }

    public static int weight(String field, int value) {
        return range(field, value, 0, 256);
    }

    public static int range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new RenderException(field, String.valueOf(value), "is outside " + min + ".." + max);
        }
        return value;
    }
}
