package io.signalbox.state;

import java.util.Arrays;

/**
 * An IPv4 or IPv6 literal, parsed here and never resolved: no DNS, no
 * {@code InetAddress.getByName}, no zone ids, no {@code unix@} or other address
 * families. {@link #toString()} is the canonical form (RFC 5952 for IPv6).
 */
public final class IpAddress {
    private final byte[] bytes;

    private IpAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    public static IpAddress fromBytes(byte[] bytes) {
        if (bytes.length != 4 && bytes.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, got " + bytes.length);
        }
        return new IpAddress(bytes.clone());
    }

    /**
     * Parses a literal.
     *
     * @throws Rejection naming {@code field} if {@code text} is not an IPv4 or IPv6 literal
     */
    public static IpAddress parse(String field, String text) {
        byte[] parsed = text == null ? null : (text.indexOf(':') >= 0 ? parseV6(text) : parseV4(text));
        if (parsed == null) {
            throw new Rejection(field, Rejection.quote(text) + " is not an IP literal (IPv4 like 10.0.0.1 or IPv6 like fd00::1;"
                    + " names are never resolved)");
        }
        return new IpAddress(parsed);
    }

    private static byte[] parseV4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            int value = decimalOctet(parts[i]);
            if (value < 0) {
                return null;
            }
            out[i] = (byte) value;
        }
        return out;
    }

    private static int decimalOctet(String part) {
        if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 255 ? value : -1;
    }

    private static byte[] parseV6(String text) {
        if (text.length() > 45) {
            return null;
        }
        int doubleColon = text.indexOf("::");
        if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
            return null;
        }
        String head = doubleColon >= 0 ? text.substring(0, doubleColon) : text;
        String tail = doubleColon >= 0 ? text.substring(doubleColon + 2) : "";
        int[] headGroups = groups(head, doubleColon < 0);
        int[] tailGroups = groups(tail, true);
        if (headGroups == null || tailGroups == null) {
            return null;
        }
        int total = headGroups.length + tailGroups.length;
        if ((doubleColon < 0 && total != 8) || (doubleColon >= 0 && total > 7)) {
            return null;
        }
        int[] all = new int[8];
        System.arraycopy(headGroups, 0, all, 0, headGroups.length);
        System.arraycopy(tailGroups, 0, all, 8 - tailGroups.length, tailGroups.length);
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (all[i] >>> 8);
            out[2 * i + 1] = (byte) all[i];
        }
        return out;
    }

    /** Hex groups separated by ':'; the last may be a dotted IPv4 (two groups) when allowed. */
    private static int[] groups(String part, boolean ipv4AllowedAtEnd) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] pieces = part.split(":", -1);
        int[] out = new int[pieces.length + 1];
        int count = 0;
        for (int i = 0; i < pieces.length; i++) {
            String piece = pieces[i];
            if (i == pieces.length - 1 && ipv4AllowedAtEnd && piece.indexOf('.') >= 0) {
                byte[] v4 = parseV4(piece);
                if (v4 == null) {
                    return null;
                }
                out[count++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                out[count++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                continue;
            }
            if (piece.isEmpty() || piece.length() > 4) {
                return null;
            }
            int value = 0;
            for (int j = 0; j < piece.length(); j++) {
                int digit = Character.digit(piece.charAt(j), 16);
                if (digit < 0 || piece.charAt(j) > 'f') {
                    return null; // Character.digit accepts non-ASCII digits; we do not
                }
                value = value * 16 + digit;
            }
            out[count++] = value;
        }
        return Arrays.copyOf(out, count);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public boolean isV6() {
        return bytes.length == 16;
    }

    @Override
    public String toString() {
        if (bytes.length == 4) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IpAddress a && Arrays.equals(a.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
