package io.signalbox.storage;

import io.signalbox.common.Zxid;

/**
 * An entry in the middle of the log fails its checksum. Never skipped: the node
 * cannot start on this log and must be resynced from its peers.
 */
public final class CorruptLogException extends StorageException {
    private static final long serialVersionUID = 1L;
    private final long zxid;

    public CorruptLogException(long zxid, String detail) {
        super("corrupt log entry at zxid " + Zxid.format(zxid) + " (" + detail
                + "); this node needs a resync from its peers");
        this.zxid = zxid;
    }

    public long zxid() {
        return zxid;
    }
}
