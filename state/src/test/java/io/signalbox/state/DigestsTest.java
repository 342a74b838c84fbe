package io.signalbox.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The state's digest, a sum of these per-entity hashes, is compared between replicas, which
 * may run different builds during an upgrade; so the values are pinned: a faster encoding must
 * give the same numbers, for ASCII and for text whose UTF-8 form is longer than its characters.
 */
class DigestsTest {
    private static Server server(String name, String labelValue) {
        TreeMap<String, String> labels = new TreeMap<>();
        labels.put("zone", labelValue);
        labels.put("team", "edge");
        return new Server("web", name, IpAddress.parse("address", "10.0.0.7"), 8080, 3, ServerState.DRAIN, true, labels, 42, 9);
    }

    @Test
    void serverHashesKeepTheirValuesForAsciiAndWiderText() {
        assertEquals(-2798577706831065740L, Digests.of(server("web-1", "eu-west-1")));
        assertEquals(3029680299226142862L, Digests.of(server("wéb-2", "zürich-€-𝄞")));
    }

    @Test
    void grantHashesKeepTheirValues() {
        assertEquals(-2909025814552401227L, Digests.of("ops-oncall", new Grant(Role.OPERATE, "web")));
    }
}
