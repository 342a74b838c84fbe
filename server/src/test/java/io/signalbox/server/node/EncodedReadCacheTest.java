package io.signalbox.server.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.protocol.ReadResult;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.wire.ClientWire;
import io.signalbox.state.Balance;
import io.signalbox.state.Configuration;
import io.signalbox.state.IpAddress;
import io.signalbox.state.Mode;
import io.signalbox.state.Server;
import io.signalbox.state.ServerState;
import io.signalbox.state.Service;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class EncodedReadCacheTest {
    private static Configuration serviceAt(String name, long zxid, int weight) {
        Service service = new Service(name, Mode.HTTP, 8080, Balance.ROUNDROBIN, null, 5000, 30000, 30000, 1);
        Server server = new Server(name, name + "-1", IpAddress.parse("address", "10.0.0.1"), 80, weight, ServerState.READY, false,
                new TreeMap<>(), 0, 1);
        return new Configuration(zxid, List.of(service), Map.of(name, List.of(server)), List.of(), zxid * 31);
    }

    private static Configuration decoded(byte[] response, long requestId) {
        Response answer = ClientWire.decodeResponse(response);
        assertEquals(requestId, answer.requestId());
        return ((ReadResult) answer.reply()).configuration();
    }

    @Test
    void eachAnswerIsTheStateAtItsOwnZxidUnderItsOwnRequestId() {
        EncodedReadCache cache = new EncodedReadCache();
        assertEquals(serviceAt("web", 5, 10), decoded(cache.response(1, "web", serviceAt("web", 5, 10)), 1));
        assertEquals(serviceAt("web", 5, 10), decoded(cache.response(2, "web", serviceAt("web", 5, 10)), 2));
        // The weight changed at zxid 6: the answer at 6 is never the bytes encoded at 5.
        assertEquals(serviceAt("web", 6, 0), decoded(cache.response(3, "web", serviceAt("web", 6, 0)), 3));
        // A reader still holding the answer at 5 (it read before 6 was published) gets 5's state.
        assertEquals(serviceAt("web", 5, 10), decoded(cache.response(4, "web", serviceAt("web", 5, 10)), 4));
        assertEquals(serviceAt("api", 6, 3), decoded(cache.response(5, "api", serviceAt("api", 6, 3)), 5));
    }

    @Test
    void beyondItsLimitTheCacheStartsAfreshAndStillAnswersRight() {
        EncodedReadCache cache = new EncodedReadCache();
        for (int i = 0; i <= EncodedReadCache.SERVICES_MAX; i++) {
            cache.response(i + 1, "s" + i, serviceAt("s" + i, 9, 1));
            assertTrue(cache.size() <= EncodedReadCache.SERVICES_MAX, "cached " + cache.size());
        }
        assertEquals(1, cache.size());
        assertEquals(serviceAt("s0", 9, 1), decoded(cache.response(7, "s0", serviceAt("s0", 9, 1)), 7));
        assertEquals(serviceAt("s" + EncodedReadCache.SERVICES_MAX, 9, 1),
                decoded(cache.response(8, "s" + EncodedReadCache.SERVICES_MAX, serviceAt("s" + EncodedReadCache.SERVICES_MAX, 9, 1)), 8));
    }
}
