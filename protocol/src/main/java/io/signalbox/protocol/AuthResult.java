package io.signalbox.protocol;

/** The token was accepted: the connection now acts as {@code identity}. */
public record AuthResult(String identity) implements ClientReply {
    @Override
    public long zxid() {
        return 0;
    }
}
