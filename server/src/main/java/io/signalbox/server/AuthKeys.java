package io.signalbox.server;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** The auth.* keys of signalbox.conf, checked: {@code auth.admin=NAME[,NAME...]} and {@code auth.token.NAME=sha256:HEX}. */
final class AuthKeys {
    /** What identities may look like: a certificate's CN or a token's name, no spaces (the replicated table's rule too). */
    private static final Pattern IDENTITY = Pattern.compile("[\\x21-\\x7e]{1,128}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    static final int TOKENS_MAX = 1_000;

    private AuthKeys() {}

    static NodeConfig.Auth parse(Map<String, String> values) {
        Set<String> admins = new TreeSet<>();
        String adminList = values.getOrDefault("auth.admin", "").trim();
        if (!adminList.isEmpty()) {
            for (String name : adminList.split(",")) {
                String admin = name.trim();
                if (!IDENTITY.matcher(admin).matches()) {
                    throw bad("auth.admin", adminList, "a comma-separated list of identities (certificate CNs or token names) of "
                            + "1..128 printable characters without spaces; " + quoted(admin) + " is not one");
                }
                admins.add(admin);
            }
        }
        Map<String, String> tokens = new TreeMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!e.getKey().startsWith(NodeConfig.TOKEN_KEY_PREFIX)) {
                continue;
            }
            String name = e.getKey().substring(NodeConfig.TOKEN_KEY_PREFIX.length());
            if (!IDENTITY.matcher(name).matches() || name.equals("anonymous")) {
                throw bad(e.getKey(), "(hidden)", "the token's name after auth.token. is its identity: 1..128 printable characters "
                        + "without spaces, not anonymous");
            }
            String value = e.getValue().trim();
            String hex = value.startsWith("sha256:") ? value.substring("sha256:".length()).toLowerCase(Locale.ROOT) : "";
            if (!SHA256_HEX.matcher(hex).matches()) {
                // The value is not echoed: if someone pasted the token itself here, it must not end up in a log.
                throw bad(e.getKey(), "(hidden)", "sha256: and the token's SHA-256 as 64 hex digits (ctl acl token makes a token and "
                        + "its line), never the token itself");
            }
            tokens.put(name, hex);
        }
        if (tokens.size() > TOKENS_MAX) {
            throw bad("auth.token.*", tokens.size() + " tokens", "at most " + TOKENS_MAX);
        }
        return new NodeConfig.Auth(admins, tokens);
    }

    private static String quoted(String value) {
        return "\"" + value + "\"";
    }

    private static IllegalArgumentException bad(String key, String value, String allowed) {
        return new IllegalArgumentException("configuration " + key + "=" + value + ": " + allowed);
    }
}
