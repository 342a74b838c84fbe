package io.signalbox.node;

import io.signalbox.protocol.Response;
import java.util.List;

/**
 * Where the answers to one request go: a client connection of this node, or the follower that
 * forwarded the request. Calls only add effects; the host carries them out.
 */
interface Responder {
    void respond(Response response);

    /** One frame of a stream; only local connections stream. */
    void stream(Response response);

    /** The local client connection this answers on, or 0 for a forwarded request. */
    long connectionId();

    /** Answers on a client connection of this node. */
    record Local(List<NodeEffect> effects, long connectionId) implements Responder {
        @Override
        public void respond(Response response) {
            effects.add(new NodeEffect.Reply(connectionId, response));
        }

        @Override
        public void stream(Response response) {
            effects.add(new NodeEffect.StreamFrame(connectionId, response));
        }
    }

    /** Answers the follower that forwarded the request, over the peer link. */
    record Forwarded(List<NodeEffect> effects, int follower, long forwardId) implements Responder {
        @Override
        public void respond(Response response) {
            effects.add(new NodeEffect.Send(follower, new PeerMessage.ForwardReply(forwardId, response.reply())));
        }

        @Override
        public void stream(Response response) {
            throw new IllegalStateException("a forwarded request does not stream");
        }

        @Override
        public long connectionId() {
            return 0;
        }
    }
}
