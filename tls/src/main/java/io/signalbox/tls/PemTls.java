package io.signalbox.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty {@link SslContext}s from PEM files, with one policy for every port: TLS 1.3 and 1.2
 * only, the configured CA as the only trust anchor (not the system's: a cluster trusts its own
 * CA, nothing else). The provider is BoringSSL (netty-tcnative) where its native library loads,
 * else the JDK's; {@code -Dsignalbox.tls.provider=jdk|openssl} chooses (for comparisons).
 * Certificate checks are the JDK's trust manager's with either provider.
 */
public final class PemTls {
    private static final Logger LOG = LoggerFactory.getLogger(PemTls.class);
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    public static final String PROVIDER_PROPERTY = "signalbox.tls.provider";
    private static final SslProvider PROVIDER = chooseProvider(System.getProperty(PROVIDER_PROPERTY, "auto"));

    private PemTls() {}

    /** The provider every context here uses, chosen once per JVM. */
    public static SslProvider provider() {
        return PROVIDER;
    }

    static SslProvider chooseProvider(String wanted) {
        boolean jdk = wanted.equalsIgnoreCase("jdk");
        if (!jdk && !wanted.equalsIgnoreCase("auto") && !wanted.equalsIgnoreCase("openssl")) {
            throw new IllegalArgumentException("-D" + PROVIDER_PROPERTY + "=" + wanted + ": auto, openssl or jdk");
        }
        if (jdk) {
            return SslProvider.JDK;
        }
        if (OpenSsl.isAvailable()) {
            LOG.debug("TLS provider: {} (netty-tcnative)", OpenSsl.versionString());
            return SslProvider.OPENSSL;
        }
        LOG.info("TLS provider: the JDK's (netty-tcnative's BoringSSL did not load here: {})", String.valueOf(OpenSsl.unavailabilityCause()));
        return SslProvider.JDK;
    }

    /** A server's context: its certificate; client certificates checked against the CA as {@code clientAuth} says. */
    public static SslContext server(TlsFiles files, ClientAuth clientAuth) {
        return server(files, clientAuth, PROVIDER);
    }

    public static SslContext server(TlsFiles files, ClientAuth clientAuth, SslProvider provider) {
        if (!files.hasCertificate()) {
            throw new IllegalArgumentException("a server needs its certificate and key, not only the CA " + files.ca());
        }
        checkKeyMatches(files);
        try {
            return SslContextBuilder.forServer(files.cert().toFile(), files.key().toFile()).trustManager(files.ca().toFile())
                    .clientAuth(clientAuth).protocols(PROTOCOLS).sslProvider(provider).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(describe(files, e), e);
        }
    }

    /** A client's context: trusts the CA; presents its certificate when it has one. */
    public static SslContext client(TlsFiles files) {
        return client(files, PROVIDER);
    }

    public static SslContext client(TlsFiles files, SslProvider provider) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient().trustManager(files.ca().toFile()).protocols(PROTOCOLS)
                    .sslProvider(provider);
            if (files.hasCertificate()) {
                checkKeyMatches(files);
                builder.keyManager(files.cert().toFile(), files.key().toFile());
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(describe(files, e), e);
        }
    }

    /**
     * Signs with the key and verifies with the certificate: a key from another certificate (a
     * rotation half done) is refused here, with both paths, rather than by every handshake.
     */
    static void checkKeyMatches(TlsFiles files) {
        X509Certificate certificate;
        PrivateKey key;
        try (InputStream in = Files.newInputStream(files.cert());
             PEMParser parser = new PEMParser(Files.newBufferedReader(files.key(), StandardCharsets.US_ASCII))) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            Object parsed = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (parsed instanceof PrivateKeyInfo info) {
                key = converter.getPrivateKey(info);
            } else if (parsed instanceof PEMKeyPair pair) {
                key = converter.getKeyPair(pair).getPrivate();
            } else {
                throw new IllegalArgumentException("key file " + files.key() + " holds no unencrypted private key (found "
                        + (parsed == null ? "nothing" : parsed.getClass().getSimpleName()) + ")");
            }
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("cannot read certificate " + files.cert() + " or key " + files.key() + ": " + e.getMessage(), e);
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return; // the handshake will tell
        }
        try {
            byte[] probe = "signalbox key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // falls through: a key of another type than the certificate's does not match either
        }
        throw new IllegalArgumentException("the key " + files.key() + " does not match the certificate " + files.cert()
                + " (" + certificate.getSubjectX500Principal().getName() + ")");
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
