package io.signalbox.protocol;

/**
 * A bearer token, sent once as the first request of a connection: from then on the connection
 * acts as the token's name. The client transport answers it; it never reaches a node's request
 * layer. {@link #toString()} leaves the token out, so it cannot end up in a log line.
 */
public record AuthRequest(String token) implements ClientRequest {
    public AuthRequest {
        java.util.Objects.requireNonNull(token, "token");
    }

    @Override
    public String toString() {
        return "AuthRequest[token=(" + token.length() + " characters)]";
    }
}
