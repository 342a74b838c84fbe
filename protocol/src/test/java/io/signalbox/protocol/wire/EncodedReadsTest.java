package io.signalbox.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.signalbox.protocol.ReadResult;
import io.signalbox.protocol.Response;
import io.signalbox.state.Balance;
import io.signalbox.state.Configuration;
import io.signalbox.state.HealthCheck;
import io.signalbox.state.IpAddress;
import io.signalbox.state.Mode;
import io.signalbox.state.Server;
import io.signalbox.state.ServerState;
import io.signalbox.state.Service;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class EncodedReadsTest {
    private static final Service WEB = new Service("web", Mode.HTTP, 8080, Balance.LEASTCONN, new HealthCheck("/health", 2000, 2, 3),
            5000, 30000, 30000, 4);

    private static Configuration webAt(long zxid) {
        List<Server> servers = List.of(
                new Server("web", "web-1", IpAddress.parse("address", "10.0.0.1"), 80, 10, ServerState.READY, false,
                        new TreeMap<>(Map.of("zone", "eu-1", "rack", "r7")), 0, 2),
                new Server("web", "web-2", IpAddress.parse("address", "fd00::2"), 8080, 0, ServerState.DRAIN, true,
                        new TreeMap<>(), 77, 3));
        return new Configuration(zxid, List.of(WEB), Map.of("web", servers), List.of(), 0x1234_5678_9abcL);
    }

    @Test
    void anAnswerAddressedFromItsEncodedBodyHasTheBytesOfTheWholeEncoding() {
        for (long zxid : new long[] {0, 1, (5L << 32) | 17}) {
            byte[] body = EncodedReads.body(webAt(zxid));
            for (long requestId : new long[] {0, 1, 127, 128, 1L << 40, Long.MAX_VALUE}) {
                Response whole = new Response(requestId, new ReadResult(webAt(zxid)));
                assertArrayEquals(ClientWire.encode(whole), EncodedReads.response(requestId, body), "request " + requestId + " zxid " + zxid);
            }
        }
    }

    @Test
    void theClientDecodesTheAddressedAnswerAsTheReadItAskedFor() {
        Response decoded = ClientWire.decodeResponse(EncodedReads.response(42, EncodedReads.body(webAt(9))));
        assertEquals(42, decoded.requestId());
        assertEquals(webAt(9), ((ReadResult) decoded.reply()).configuration());
    }
}
