package io.signalbox.server.node;

import io.signalbox.protocol.wire.EncodedReads;
import io.signalbox.state.Configuration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The encoded answer of each service's last LOCAL read off the loop, per zxid: Netty threads
 * answering the same service at the same zxid encode its servers once (issue 16's profile: the
 * encoding took about 30% of a read-heavy node's CPU). A service's state at one zxid is one
 * state, so an entry is right for as long as the answer's zxid is the one it was encoded at;
 * any other zxid replaces it. At most {@link #SERVICES_MAX} services, emptied beyond it.
 */
final class EncodedReadCache {
    /** As many services as the node's own read cache keeps. */
    static final int SERVICES_MAX = 10_000;

    private record Encoded(long zxid, byte[] body) {}

    private final ConcurrentHashMap<String, Encoded> bodies = new ConcurrentHashMap<>();

    /** The response bytes to {@code requestId} for {@code answer}, a read of {@code service} alone. */
    byte[] response(long requestId, String service, Configuration answer) {
        Encoded encoded = bodies.get(service);
        if (encoded == null || encoded.zxid() != answer.zxid()) {
            encoded = new Encoded(answer.zxid(), EncodedReads.body(answer));
            if (bodies.size() >= SERVICES_MAX && !bodies.containsKey(service)) {
                bodies.clear();
            }
            bodies.put(service, encoded);
        }
        return EncodedReads.response(requestId, encoded.body());
    }

    int size() {
        return bodies.size();
    }
}
