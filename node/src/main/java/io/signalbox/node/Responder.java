package io.signalbox.node;

import io.signalbox.protocol.Response;

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
}
