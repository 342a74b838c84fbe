package io.signalbox.protocol;

import java.util.Objects;

/** One answer, or one frame of a stream, to the request {@code requestId}. */
public record Response(long requestId, ClientReply reply) {
    public Response {
        Objects.requireNonNull(reply, "reply");
    }

    public boolean isError() {
        return reply instanceof ErrorReply;
    }

    public static Response error(long requestId, ErrorCode code, String message) {
        return new Response(requestId, ErrorReply.of(code, message));
    }

    public static Response error(long requestId, ErrorCode code, String message, String field) {
        return new Response(requestId, ErrorReply.of(code, message, field));
    }
}
