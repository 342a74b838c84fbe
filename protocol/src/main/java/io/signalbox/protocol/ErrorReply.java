package io.signalbox.protocol;

import java.util.Objects;

/**
 * A request failed.
 *
 * @param field      the request's field whose value broke a rule, or empty
 * @param leaderHint NOT_LEADER: host:port of the leader's client port, when known
 * @param resumeZxid STREAM_ENDED: resubscribe from here
 */
public record ErrorReply(ErrorCode code, String message, String field, String leaderHint, long resumeZxid) implements ClientReply {
    public ErrorReply {
        Objects.requireNonNull(code, "code");
        message = message == null ? "" : message;
        field = field == null ? "" : field;
        leaderHint = leaderHint == null ? "" : leaderHint;
    }

    public static ErrorReply of(ErrorCode code, String message) {
        return new ErrorReply(code, message, "", "", 0);
    }

    public static ErrorReply of(ErrorCode code, String message, String field) {
        return new ErrorReply(code, message, field, "", 0);
    }

    @Override
    public long zxid() {
        return 0;
    }

    public SignalboxException toException() {
        return new SignalboxException(code, message, field);
    }
}
