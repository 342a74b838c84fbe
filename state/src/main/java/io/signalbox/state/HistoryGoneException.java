package io.signalbox.state;

/** The zxid asked for is older than the retained history: start again from a snapshot. */
public final class HistoryGoneException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long oldestRetainedZxid;

    public HistoryGoneException(long zxid, long oldestRetainedZxid) {
        super("zxid " + Preparer.formatVersion(zxid) + " is older than the retained history, which starts after "
                + Preparer.formatVersion(oldestRetainedZxid) + ": resubscribe from a snapshot");
        this.oldestRetainedZxid = oldestRetainedZxid;
    }

    public long oldestRetainedZxid() {
        return oldestRetainedZxid;
    }
}
