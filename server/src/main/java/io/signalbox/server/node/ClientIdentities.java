package io.signalbox.server.node;

import io.signalbox.node.Access;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** The identity a verified client certificate gives its connection: its subject's CN. */
final class ClientIdentities {
    static final String ANONYMOUS = Access.ANONYMOUS;

    private ClientIdentities() {}

    /** The CN of an RFC 2253 subject ({@code CN=ops,O=example}: {@code ops}); empty when it has none. */
    static String commonName(String subject) {
        if (subject.isEmpty()) {
            return "";
        }
        try {
            for (Rdn rdn : new LdapName(subject).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return ""; // the TLS layer verified the certificate; a subject LdapName cannot read has no usable CN
        }
        return "";
    }
}
