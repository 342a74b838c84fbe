package io.signalbox.server.codec;

/** A peer sent a frame that cannot be a message; the message says what was wrong with it. */
public final class MalformedFrameException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedFrameException(String message) {
        super(message);
    }
}
