package io.signalbox.tls;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The client side's {@code --ca/--cert/--key} for every command that talks to a cluster
 * ({@code @Mixin TlsOptions tls;}), defaulting to {@code SIGNALBOX_CA}, {@code SIGNALBOX_CERT} and
 * {@code SIGNALBOX_KEY}. None given: plaintext. {@link #files()} is what the Java client's
 * options take. Inherited by subcommands, so they may stand before or after one.
 */
public final class TlsOptions {
    @Option(names = "--ca", scope = ScopeType.INHERIT, defaultValue = "${env:SIGNALBOX_CA}",
            description = "CA certificate (PEM) that signs the nodes' certificates: connect over TLS (env SIGNALBOX_CA)")
    Path ca;

    @Option(names = "--cert", scope = ScopeType.INHERIT, defaultValue = "${env:SIGNALBOX_CERT}",
            description = "this client's certificate (PEM), for nodes that require client certificates (env SIGNALBOX_CERT)")
    Path cert;

    @Option(names = "--key", scope = ScopeType.INHERIT, defaultValue = "${env:SIGNALBOX_KEY}",
            description = "the private key (PEM, PKCS#8) of --cert (env SIGNALBOX_KEY)")
    Path key;

    /** The files to connect with, or null for plaintext; a certificate without a CA is refused with the reason. */
    public TlsFiles files() {
        return TlsSettings.files(ca, cert, key);
    }

    /** The keys {@code ca}, {@code cert}, {@code key} of the sync agent's and the sidecar's configurations; only those given. */
    public Map<String, String> values() {
        Map<String, String> values = new LinkedHashMap<>();
        if (ca != null) {
            values.put("ca", ca.toString());
        }
        if (cert != null) {
            values.put("cert", cert.toString());
        }
        if (key != null) {
            values.put("key", key.toString());
        }
        return values;
    }
}
