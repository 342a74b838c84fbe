package io.signalbox.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A bearer token read from its file ({@code ctl acl token NAME --out FILE} writes one): the
 * token is the file's first line, trimmed. {@link #toString()} names the file, never the token,
 * so a configuration that holds one can be logged.
 *
 * @param file  where it was read from
 * @param token what {@link ClientOptions#withToken} takes
 */
public record TokenFile(Path file, String token) {
    /** The environment variable that names a token file when no option or key does. */
    public static final String ENVIRONMENT = "SIGNALBOX_TOKEN_FILE";

    /**
     * Reads {@code file}; an unreadable or empty file is refused naming {@code option} (how the
     * user gave it: {@code --token-file FILE}, {@code tokenFile FILE}) and what it must hold.
     */
    public static TokenFile read(String option, Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(option + ": cannot read it (no such file)", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + ": cannot read it (" + e.getMessage() + ")", e);
        }
        String token = text.lines().findFirst().orElse("").strip();
        if (token.isEmpty()) {
            throw new IllegalArgumentException(option + ": the file is empty; it holds the token on its first line");
        }
        return new TokenFile(file, token);
    }

    /** The key {@code tokenFile} of an agent's or sidecar's configuration, else {@link #ENVIRONMENT}; null when neither names one. */
    public static TokenFile fromValues(Map<String, String> values, Map<String, String> environment) {
        String value = values.getOrDefault("tokenFile", "");
        if (value.isBlank()) {
            value = environment.getOrDefault(ENVIRONMENT, "");
        }
        return value.isBlank() ? null : read("tokenFile " + value.strip(), Path.of(value.strip()));
    }

    /** The token, or null for none: what {@link ClientOptions#withToken} takes. */
    public static String tokenOf(TokenFile file) {
        return file == null ? null : file.token();
    }

    @Override
    public String toString() {
        return "the token in " + file;
    }
}
