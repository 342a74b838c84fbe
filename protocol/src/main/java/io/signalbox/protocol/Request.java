package io.signalbox.protocol;

import java.util.Objects;

/** One request on a connection; the answers to it carry the same {@code requestId}. */
public record Request(long requestId, ClientRequest body) {
    public Request {
        Objects.requireNonNull(body, "body");
    }
}
