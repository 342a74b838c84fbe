package io.signalbox.protocol;

/** A request failed; {@link #code()} says whether retrying can help, {@link #field()} names a bad value. */
public class SignalboxException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;
    private final String field;

    public SignalboxException(ErrorCode code, String message, String field) {
        super(message);
        this.code = code;
        this.field = field == null ? "" : field;
    }

    public ErrorCode code() {
        return code;
    }

    public String field() {
        return field;
    }

    /** True when the same request may succeed later or elsewhere. */
    public boolean retryable() {
        return code.retryable();
    }

    @Override
    public String toString() {
        return code + ": " + getMessage();
    }
}
