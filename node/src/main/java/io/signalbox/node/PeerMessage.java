package io.signalbox.node;

import io.signalbox.consensus.message.ZabMessage;
import io.signalbox.protocol.ClientReply;
import io.signalbox.protocol.ClientRequest;
import java.util.Objects;

/** What one node sends another over the peer link: the protocol's messages, and requests a follower forwards to its leader. */
public sealed interface PeerMessage {
    /** A ZAB message, for the consensus core. */
    record Zab(ZabMessage message) implements PeerMessage {
        public Zab {
            Objects.requireNonNull(message, "message");
        }
    }

    /** A client's request that only the leader serves; the leader answers with a {@link ForwardReply} of the same id. */
    record Forward(long forwardId, ClientRequest request) implements PeerMessage {
        public Forward {
            Objects.requireNonNull(request, "request");
        }
    }

    /** The leader's answer to the forwarded request {@code forwardId}. */
    record ForwardReply(long forwardId, ClientReply reply) implements PeerMessage {
        public ForwardReply {
            Objects.requireNonNull(reply, "reply");
        }
    }
}
