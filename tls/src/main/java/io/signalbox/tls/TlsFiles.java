package io.signalbox.tls;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The PEM files of one side of a TLS link: the CA certificate(s) it trusts, and its own
 * certificate chain and PKCS#8 private key. A server needs all three; a client needs the CA
 * and, where the server asks for client certificates, its certificate and key.
 *
 * @param ca   the CA certificates that sign the other side's certificate (PEM)
 * @param cert this side's certificate chain (PEM), or null for a client without one
 * @param key  this side's private key (PEM, PKCS#8, unencrypted), or null with {@code cert}
 */
public record TlsFiles(Path ca, Path cert, Path key) {
    public TlsFiles {
        if (ca == null) {
            throw new IllegalArgumentException("a CA file is needed (--ca, SIGNALBOX_CA or tls.ca): the certificate that signs the "
                    + "other side's certificate");
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("a certificate and its key go together: got cert=" + cert + " key=" + key);
        }
        readable("CA", ca);
        if (cert != null) {
            readable("certificate", cert);
            readable("key", key);
        }
    }

    public boolean hasCertificate() {
        return cert != null;
    }

    private static void readable(String what, Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(what + " file " + file + " is not a readable file");
        }
    }
}
