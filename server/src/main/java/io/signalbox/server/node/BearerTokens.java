package io.signalbox.server.node;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bearer tokens of {@code auth.token.NAME=sha256:HEX}: a token presented by a client is
 * hashed and compared with every configured hash in constant time (MessageDigest.isEqual, and
 * no early exit), so neither the comparison nor which name matched leaks through timing.
 */
final class BearerTokens {
    /** Longer tokens are refused before hashing: a client cannot make the node hash megabytes. */
    static final int TOKEN_LENGTH_MAX = 4_096;

    private final Map<String, byte[]> hashByName = new TreeMap<>();

    BearerTokens(Map<String, String> hexHashByName) {
        hexHashByName.forEach((name, hex) -> hashByName.put(name, HexFormat.of().parseHex(hex)));
    }

    boolean any() {
        return !hashByName.isEmpty();
    }

    /** The name of the token, or null when it matches none. */
    String identityOf(String token) {
        if (token.isEmpty() || token.length() > TOKEN_LENGTH_MAX) {
            return null;
        }
        byte[] presented = sha256(token);
        String matched = null;
        for (Map.Entry<String, byte[]> entry : hashByName.entrySet()) {
            if (MessageDigest.isEqual(presented, entry.getValue()) && matched == null) {
                matched = entry.getKey();
            }
        }
        return matched;
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
