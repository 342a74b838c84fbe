package io.signalbox.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Netty {@link SslContext}s from PEM files, with one policy for every port: TLS 1.3 and 1.2
 * only, the JDK's provider, the configured CA as the only trust anchor (not the system's:
 * a cluster trusts its own CA, nothing else).
 */
public final class PemTls {
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private PemTls() {}

    /** A server's context: its certificate; client certificates checked against the CA as {@code clientAuth} says. */
    public static SslContext server(TlsFiles files, ClientAuth clientAuth) {
        if (!files.hasCertificate()) {
            throw new IllegalArgumentException("a server needs its certificate and key, not only the CA " + files.ca());
        }
        try {
            return SslContextBuilder.forServer(files.cert().toFile(), files.key().toFile()).trustManager(files.ca().toFile())
                    .clientAuth(clientAuth).protocols(PROTOCOLS).sslProvider(SslProvider.JDK).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(describe(files, e), e);
        }
    }

    /** A client's context: trusts the CA; presents its certificate when it has one. */
    public static SslContext client(TlsFiles files) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient().trustManager(files.ca().toFile()).protocols(PROTOCOLS)
                    .sslProvider(SslProvider.JDK);
            if (files.hasCertificate()) {
                builder.keyManager(files.cert().toFile(), files.key().toFile());
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(describe(files, e), e);
        }
    }

    private static String describe(TlsFiles files, Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "cannot use the TLS files ca=" + files.ca() + " cert=" + files.cert() + " key=" + files.key() + ": "
                + e.getMessage() + (root != e ? " (" + root.getMessage() + ")" : "")
                + "; expected PEM certificates and an unencrypted PKCS#8 PEM key that matches the certificate";
    }
}
