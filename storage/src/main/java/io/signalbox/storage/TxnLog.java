package io.signalbox.storage;

import java.util.List;

/**
 * The transaction log: entries in strictly increasing zxid order.
 *
 * <p>Contract (checked by {@code TxnLogContract} against every implementation):
 * <ul>
 *   <li>{@link #append} is not durable on return. It is durable once a later {@link #sync()} returns.
 *       A crash loses any suffix of what was not synced, and may leave the last unsynced entry torn;
 *       recovery drops a torn or corrupt tail and never anything that was synced.</li>
 *   <li>{@link #truncateAfter} and {@link #compactUpTo} are durable on return; after
 *       {@code truncateAfter} every retained entry is durable too.</li>
 *   <li>Every entry is checksummed on write and verified on every read; a corrupt entry is a
 *       {@link CorruptLogException} naming its zxid, never a silent skip.</li>
 *   <li>Methods may block on I/O; one thread calls them at a time. They throw
 *       {@link StorageException} on I/O failure and {@link IllegalArgumentException} on misuse,
 *       naming the offending zxid.</li>
 * </ul>
 */
public interface TxnLog extends AutoCloseable {
    /** Appends entries after the current last entry; their zxids must increase strictly. Not durable on return. */
    void append(List<LogEntry> entries);

    /** Makes every appended entry durable; returns the last durable zxid. Idempotent. */
    long sync();

    /**
     * Appends and makes durable in one step (what group commit does each round); returns the
     * last durable zxid. An implementation may do it in one synced write.
     */
    default long appendDurably(List<LogEntry> entries) {
        append(entries);
        return sync();
    }

    /** The zxid of the last appended entry (durable or not), or the compaction point if the log is empty. */
    long lastZxid();

    /** The zxid up to which the log is known durable. */
    long lastDurableZxid();

    /** The compaction point: entries at or below it were dropped in favour of a snapshot (0 if none). */
    long compactedUpTo();

    /** Up to {@code countMax} entries with zxid greater than {@code afterZxid}, in order, verified. */
    List<LogEntry> read(long afterZxid, int countMax);

    /** Removes every entry after {@code zxid}; durable on return, and everything kept is durable. */
    void truncateAfter(long zxid);

    /** Drops entries at or below {@code zxid}; call only once a snapshot covering them is durable. */
    void compactUpTo(long zxid);

    /**
     * Drops every entry and continues the log after {@code zxid}: what a follower does when it
     * installs a snapshot sent by its leader. Durable on return; call after the snapshot is durable.
     */
    void reset(long zxid);

    @Override
    void close();
}
