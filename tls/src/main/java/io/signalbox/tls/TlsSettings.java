package io.signalbox.tls;

import java.nio.file.Path;
import java.util.Map;

/**
 * The client side's TLS files from keys and values ({@code ca}, {@code cert}, {@code key}: what
 * the sync agent's and the sidecar's configurations say), falling back to the environment's
 * {@code SIGNALBOX_CA}, {@code SIGNALBOX_CERT} and {@code SIGNALBOX_KEY}.
 */
public final class TlsSettings {
    public static final String CA_ENV = "SIGNALBOX_CA";
    public static final String CERT_ENV = "SIGNALBOX_CERT";
    public static final String KEY_ENV = "SIGNALBOX_KEY";

    private TlsSettings() {}

    /** The files for {@code ca/cert/key} in {@code values}, else the environment; null when neither names a CA or certificate. */
    public static TlsFiles fromValues(Map<String, String> values, Map<String, String> environment) {
        return files(path(values, "ca", environment, CA_ENV), path(values, "cert", environment, CERT_ENV),
                path(values, "key", environment, KEY_ENV));
    }

    /** Null when all three are null (plaintext); else checked TLS files. */
    public static TlsFiles files(Path ca, Path cert, Path key) {
        if (ca == null && cert == null && key == null) {
            return null;
        }
        if (ca == null) {
            throw new IllegalArgumentException("--cert/--key (cert=" + cert + ", key=" + key + ") need --ca too: the CA that signs "
                    + "the nodes' certificates");
        }
        return new TlsFiles(ca, cert, key);
    }

    private static Path path(Map<String, String> values, String key, Map<String, String> environment, String variable) {
        String value = values.getOrDefault(key, "");
        if (value.isBlank()) {
            value = environment.getOrDefault(variable, "");
        }
        return value.isBlank() ? null : Path.of(value.strip());
    }
}
