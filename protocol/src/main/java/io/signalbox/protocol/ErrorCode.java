package io.signalbox.protocol;

/** Why a request failed, and so whether retrying can help ({@link #retryable()}). */
public enum ErrorCode {
    /** A value broke a rule; the error's field names it. */
    INVALID,
    /** expectVersion did not match. */
    CONFLICT,
    /** Ask the leader; the error's leader hint says where, when known. */
    NOT_LEADER,
    /** No established leader right now. */
    UNAVAILABLE,
    /** A limit was reached. */
    BUSY,
    /** The outcome is unknown: a command may or may not have applied (retry with the same sequence). */
    TIMEOUT,
    /** The zxid is older than the retained history. */
    HISTORY_GONE,
    /** The request could not be decoded. */
    MALFORMED,
    TOO_LARGE,
    /** A subscription ended; resubscribe from the error's resume zxid. */
    STREAM_ENDED,
    /** The connection's identity lacks the role the request needs; the message names identity, request and role. */
    PERMISSION_DENIED;

    /** True when the same request may succeed later or on another node. */
    public boolean retryable() {
        return this == NOT_LEADER || this == UNAVAILABLE || this == BUSY || this == TIMEOUT;
    }
}
