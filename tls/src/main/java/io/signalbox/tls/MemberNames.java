package io.signalbox.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.OptionalInt;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * How a certificate names a cluster member: its subject's common name is
 * {@code signalbox-node-<id>} (as etcd reads a peer's CN). The CA vouches for the name; the peer
 * port then checks that the id a node claims in its hello is the one its certificate names.
 * A client certificate's common name (ctl, agent, ...) is the identity a later step authorizes.
 */
public final class MemberNames {
    public static final String MEMBER_PREFIX = "signalbox-node-";

    private MemberNames() {}

    public static String commonNameOfMember(int memberId) {
        return MEMBER_PREFIX + memberId;
    }

    /** The member id a common name names, if it is {@code signalbox-node-<positive number>}. */
    public static OptionalInt memberId(String commonName) {
        if (commonName == null || !commonName.startsWith(MEMBER_PREFIX)) {
            return OptionalInt.empty();
        }
        String digits = commonName.substring(MEMBER_PREFIX.length());
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(Character::isDigit) || digits.startsWith("0")) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(digits));
    }

    /** The common name of the subject of {@code certificate}, or "" when it has none. */
    public static String commonName(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return "";
        }
        return "";
    }

    /** The verified certificate the other side of {@code session} presented, or null when it presented none. */
    public static X509Certificate peerCertificate(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? x509 : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
