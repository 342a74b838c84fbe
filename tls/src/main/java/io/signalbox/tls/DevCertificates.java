package io.signalbox.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A development CA and the certificates a cluster needs, made with BouncyCastle: ECDSA P-256
 * keys, SHA-256 signatures. Node certificates name their member ({@link MemberNames}), carry
 * the given hosts as subject alternative names (clients check them) and serve both ends of a
 * peer link; client certificates are for client authentication only. For development and
 * tests: a production cluster's CA key belongs offline, not beside the nodes.
 */
public final class DevCertificates {
    private static final Pattern CLIENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private DevCertificates() {}

    /** What a certificate is for: a node (server and client of peer links) or a client. */
    public enum Use { CA, NODE, CLIENT }

    /** A certificate and its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
        /** Writes {@code <dir>/<name>.pem} and {@code <dir>/<name>.key} (owner-only); returns the certificate's path. */
        public TlsFiles write(Path dir, String name, Path ca) {
            Path certFile = dir.resolve(name + ".pem");
            Path keyFile = dir.resolve(name + ".key");
            try {
                Files.writeString(certFile, pem(certificate));
                Files.deleteIfExists(keyFile);
                Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(keyFile, pem(new JcaPKCS8Generator(key, null).generate()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + certFile + " or " + keyFile + ": " + e.getMessage(), e);
            }
            return new TlsFiles(ca == null ? certFile : ca, certFile, keyFile);
        }
    }

    /** A CA that signs with its key. */
    public record Authority(Issued issued) {
        public X509Certificate certificate() {
            return issued.certificate();
        }

        /** A certificate for {@code commonName}, valid from {@code notBefore} to {@code notAfter}. */
        public Issued issue(String commonName, Use use, List<String> hosts, Instant notBefore, Instant notAfter) {
            return sign(commonName, use, hosts, notBefore, notAfter, this);
        }

        /** A certificate valid from an hour ago for {@code validity}. */
        public Issued issue(String commonName, Use use, List<String> hosts, Duration validity) {
            Instant now = Instant.now();
            return issue(commonName, use, hosts, now.minus(Duration.ofHours(1)), now.plus(validity));
        }
    }

    public static Authority newAuthority(String commonName, Duration validity) {
        Instant now = Instant.now();
        return new Authority(sign(commonName, Use.CA, List.of(), now.minus(Duration.ofHours(1)), now.plus(validity), null));
    }

    /** The files {@link #createSet} wrote into {@code dir} for {@code name} (node-1, ctl, ...), with the CA. */
    public static TlsFiles files(Path dir, String name) {
        return new TlsFiles(dir.resolve("ca.pem"), dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
    }

    /** The files {@link #createSet} wrote, and the CA that signed them (to issue more, in tests). */
    public record CreatedSet(Path dir, Path ca, List<Path> written, Authority authority) {
        /** The CA, certificate and key files {@code name} (node-1, ctl, ...) was given. */
        public TlsFiles files(String name) {
            return DevCertificates.files(dir, name);
        }
    }

    /**
     * Writes a CA ({@code ca.pem}, {@code ca.key}), {@code node-<i>.pem/.key} for members 1..nodes and
     * {@code <client>.pem/.key} for each client into {@code dir}, valid for {@code validity}.
     * Refuses, writing nothing, when {@code dir} already holds a {@code ca.pem}, a count is out of
     * range or a client name is not a plain name.
     */
    public static CreatedSet createSet(Path dir, int nodes, List<String> clients, List<String> hosts, Duration validity) {
        if (nodes < 1 || nodes > 99) {
            throw new IllegalArgumentException("--nodes " + nodes + ": a cluster has 1..99 members (3, 5 or 7 in practice)");
        }
        for (String client : clients) {
            if (!CLIENT_NAME.matcher(client).matches() || MemberNames.memberId(client).isPresent()) {
                throw new IllegalArgumentException("--client \"" + client + "\": 1..64 letters, digits, '.', '_' or '-', starting with a "
                        + "letter or digit, and not " + MemberNames.MEMBER_PREFIX + "N (that names a member)");
            }
        }
        if (clients.stream().distinct().count() != clients.size() || clients.contains("ca")) {
            throw new IllegalArgumentException("--client names must differ from each other and from \"ca\": " + clients);
        }
        for (String host : hosts) {
            generalName(host); // refuses a bad host before anything is written
        }
        if (validity.isNegative() || validity.isZero() || validity.compareTo(Duration.ofDays(3_650)) > 0) {
            throw new IllegalArgumentException("validity " + validity + " must be within 1 s..3650 days");
        }
        if (Files.exists(dir.resolve("ca.pem"))) {
            throw new IllegalArgumentException(dir + " already holds a ca.pem; choose another directory or remove it first");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        Authority ca = newAuthority("signalbox development CA", validity.plus(Duration.ofDays(1)));
        Path caFile = ca.issued().write(dir, "ca", null).cert();
        List<Path> written = new ArrayList<>(List.of(caFile, dir.resolve("ca.key")));
        for (int id = 1; id <= nodes; id++) {
            TlsFiles files = ca.issue(MemberNames.commonNameOfMember(id), Use.NODE, hosts, validity).write(dir, "node-" + id, caFile);
            written.add(files.cert());
            written.add(files.key());
        }
        for (String client : clients) {
            TlsFiles files = ca.issue(client, Use.CLIENT, List.of(), validity).write(dir, client, caFile);
            written.add(files.cert());
            written.add(files.key());
        }
        return new CreatedSet(dir, caFile, written, ca);
    }

    private static Issued sign(String commonName, Use use, List<String> hosts, Instant notBefore, Instant notAfter, Authority issuer) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair keys = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=" + commonName.replace(",", "\\,").replace("=", "\\=").replace("+", "\\+"));
            X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                    Date.from(notBefore), Date.from(notAfter), subject, keys.getPublic());
            JcaX509ExtensionUtils utilities = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false, utilities.createSubjectKeyIdentifier(keys.getPublic()));
            if (issuer != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        utilities.createAuthorityKeyIdentifier(issuer.certificate().getPublicKey()));
            }
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(use == Use.CA));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(use == Use.CA
                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            if (use == Use.NODE) {
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            } else if (use == Use.CLIENT) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            }
            if (!hosts.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(hosts.stream().map(DevCertificates::generalName).toArray(GeneralName[]::new)));
            }
            PrivateKey signingKey = issuer == null ? keys.getPrivate() : issuer.issued().key();
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signingKey)));
            return new Issued(certificate, keys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a certificate for " + commonName + ": " + e.getMessage(), e);
        }
    }

    /** An IP address literal becomes an iPAddress name, anything else a dNSName. */
    private static GeneralName generalName(String host) {
        if (host.isEmpty() || host.length() > 253 || !host.matches("[A-Za-z0-9.:\\-*]+")) {
            throw new IllegalArgumentException("--host \"" + host + "\": a DNS name or an IP address");
        }
        if (host.matches("[0-9.]+") || host.contains(":")) {
            try {
                InetAddress.getByName(host); // a literal: no lookup
            } catch (IOException e) {
                throw new IllegalArgumentException("--host \"" + host + "\" is not an IP address: " + e.getMessage(), e);
            }
            return new GeneralName(GeneralName.iPAddress, host);
        }
        return new GeneralName(GeneralName.dNSName, host);
    }

    private static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
