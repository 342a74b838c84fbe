package io.signalbox.server.node;

import io.signalbox.protocol.Response;

/** Where the answers to one client connection's requests go. Thread-safe. */
public interface Responder {
    void respond(Response response);

    /** One frame of a stream; false (frame not sent) when the subscriber's buffer is full. */
    boolean stream(Response response);

    boolean open();
}
