package io.signalbox.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

class TlsAlertsTest {
    @Test
    void aMissingClientCertificateSaysWhatToGive() {
        String reason = TlsAlerts.reason(new DecoderException(new SSLException(
                "error:1000045c:SSL routines:OPENSSL_internal:TLSV1_ALERT_CERTIFICATE_REQUIRED")));
        assertTrue(reason.startsWith(": TLS error: error:1000045c"), reason);
        assertTrue(reason.contains("the node requires a client certificate: give cert and key"), reason);
    }

    @Test
    void aRefusedCertificateSaysToCheckItsCa() {
        assertTrue(TlsAlerts.reason(new SSLException("Received fatal alert: unknown_ca")).contains("must be signed by the CA in the node's tls.ca"));
        assertTrue(TlsAlerts.reason(new SSLException("error:10000438:SSL routines:OPENSSL_internal:TLSV1_ALERT_INTERNAL_ERROR"))
                .contains("the node's log says why"));
    }

    @Test
    void anErrorThatIsNotTlsAddsNothing() {
        assertEquals("", TlsAlerts.reason(null));
        assertEquals("", TlsAlerts.reason(new IOException("Connection reset by peer")));
    }
}
