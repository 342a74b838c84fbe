package io.signalbox.protocol.wire;

import javax.net.ssl.SSLException;

/**
 * Why a node closed a client's TLS connection, said so the operator can act. With TLS 1.3 a
 * client's handshake is done before the node has checked the client's certificate, so a refused
 * certificate reaches the client as an alert on its first read, not as a failed handshake.
 */
final class TlsAlerts {
    private TlsAlerts() {}

    /** ": TLS alert from the node: ... (what to check)", or "" when {@code cause} is no TLS error. */
    static String reason(Throwable cause) {
        SSLException tls = tlsCause(cause);
        if (tls == null) {
            return "";
        }
        String message = String.valueOf(tls.getMessage());
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        String hint;
        if (lower.contains("certificate_required")) {
            hint = "the node requires a client certificate: give cert and key (--cert/--key, SIGNALBOX_CERT/SIGNALBOX_KEY) signed by the cluster's CA";
        } else if (lower.contains("unknown_ca") || lower.contains("bad_certificate") || lower.contains("certificate_unknown")
                || lower.contains("decrypt_error")) {
            hint = "the node refused this client's certificate: it must be signed by the CA in the node's tls.ca, and be valid now";
        } else if (lower.contains("certificate_expired")) {
            hint = "the node refused this client's certificate as expired: issue a new one";
        } else {
            // BoringSSL answers a certificate its trust manager rejects (another CA) with internal_error.
            hint = "the node closed the connection, most often over this client's certificate (not signed by the CA in the node's "
                    + "tls.ca, or expired): the node's log says why";
        }
        return ": TLS error: " + message + " (" + hint + ")";
    }

    private static SSLException tlsCause(Throwable cause) {
        for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
            if (cause instanceof SSLException tls) {
                return tls;
            }
        }
        return null;
    }
}
