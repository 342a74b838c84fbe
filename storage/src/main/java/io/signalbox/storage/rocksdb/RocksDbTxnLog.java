package io.signalbox.storage.rocksdb;

import io.signalbox.common.Zxid;
import io.signalbox.storage.CorruptLogException;
import io.signalbox.storage.LogEntry;
import io.signalbox.storage.LogEntryCodec;
import io.signalbox.storage.StorageException;
import io.signalbox.storage.TxnLog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * The transaction log in its own column family: key = zxid as 8 big-endian bytes (so
 * RocksDB's byte order is zxid order), value = the checksummed {@code LogEntry} envelope.
 * Appends are unsynced writes; {@link #sync()} fsyncs the WAL, which covers every write
 * before it. Truncation, compaction and reset are single synced batches.
 * See {@link TxnLog} for the contract. One thread at a time; the zxid getters may be
 * read from any thread.
 */
public final class RocksDbTxnLog implements TxnLog {
    private static final System.Logger LOG = System.getLogger(RocksDbTxnLog.class.getName());
    private static final byte[] COMPACTED_KEY = "log.compacted".getBytes(StandardCharsets.UTF_8);

    private final RocksDbStorage storage;
    private final RocksDB db;
    private final ColumnFamilyHandle log;
    private final ColumnFamilyHandle meta;
    private volatile long lastZxid;
    private volatile long lastDurableZxid;
    private volatile long compactedUpTo;
    private final long recoveredTornZxid;

    RocksDbTxnLog(RocksDbStorage storage, RocksDB db, ColumnFamilyHandle log, ColumnFamilyHandle meta) {
        this.storage = storage;
        this.db = db;
        this.log = log;
        this.meta = meta;
        try {
            byte[] compacted = db.get(meta, COMPACTED_KEY);
            this.compactedUpTo = compacted == null ? 0 : ByteBuffer.wrap(compacted).getLong();
            this.recoveredTornZxid = recover();
            // What recovery found on disk is made durable before anyone is told it is.
            db.syncWal();
        } catch (RocksDBException e) {
            throw new StorageException("cannot recover the transaction log in " + storage.directory() + ": " + e.getMessage(), e);
        }
        this.lastDurableZxid = lastZxid;
    }

    /** Verifies every entry; drops a bad last entry (a torn write), fails on a bad one before it. */
    private long recover() throws RocksDBException {
        long previous = compactedUpTo;
        long torn = -1;
        try (RocksIterator iterator = db.newIterator(log)) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                long zxid = ByteBuffer.wrap(iterator.key()).getLong();
                try {
                    LogEntryCodec.decode(iterator.value(), zxid);
                    if (zxid <= previous) {
                        throw new CorruptLogException(zxid, "out of order after " + Zxid.format(previous));
                    }
                    previous = zxid;
                } catch (CorruptLogException e) {
                    iterator.next();
                    if (iterator.isValid()) {
                        throw e; // not the tail: never skip past it
                    }
                    db.delete(log, storage.syncedWrite, key(zxid));
                    torn = zxid;
                    LOG.log(System.Logger.Level.WARNING, "dropped torn log entry at zxid {0} in {1}: {2}",
                            Zxid.format(zxid), storage.directory(), e.getMessage());
                    break;
                }
            }
            iterator.status();
        }
        lastZxid = previous;
        return torn;
    }

    /** The zxid of the torn tail entry dropped at open, or -1. */
    public long recoveredTornZxid() {
        return recoveredTornZxid;
    }

    @Override
    public void append(List<LogEntry> entries) {
        write(entries, false);
    }

    /** One synced write batch: the entries and every earlier unsynced write become durable together. */
    @Override
    public long appendDurably(List<LogEntry> entries) {
        write(entries, true);
        lastDurableZxid = lastZxid;
        return lastDurableZxid;
    }

    private void write(List<LogEntry> entries, boolean synced) {
        long previous = lastZxid;
        for (LogEntry entry : entries) {
            if (entry.zxid() <= previous) {
                throw new IllegalArgumentException("append out of order: zxid " + Zxid.format(entry.zxid()) + " after "
                        + Zxid.format(previous) + (previous == compactedUpTo && previous > 0 ? " (the log continues after " + Zxid.format(previous) + ")" : ""));
            }
            previous = entry.zxid();
        }
        try (WriteBatch batch = new WriteBatch()) {
            for (LogEntry entry : entries) {
                batch.put(log, key(entry.zxid()), LogEntryCodec.encode(entry));
            }
            db.write(synced ? storage.syncedWrite : storage.unsyncedWrite, batch);
        } catch (RocksDBException e) {
            throw new StorageException("cannot append " + entries.size() + " entries after " + Zxid.format(lastZxid) + ": " + e.getMessage(), e);
        }
        lastZxid = previous;
    }

    @Override
    public long sync() {
        long covered = lastZxid;
        try {
            db.syncWal();
        } catch (RocksDBException e) {
            throw new StorageException("cannot fsync the log's WAL in " + storage.directory() + ": " + e.getMessage(), e);
        }
        lastDurableZxid = Math.max(lastDurableZxid, covered);
        return lastDurableZxid;
    }

    @Override
    public long lastZxid() {
        return lastZxid;
    }

    @Override
    public long lastDurableZxid() {
        return lastDurableZxid;
    }

    @Override
    public long compactedUpTo() {
        return compactedUpTo;
    }

    @Override
    public List<LogEntry> read(long afterZxid, int countMax) {
        List<LogEntry> out = new ArrayList<>();
        try (RocksIterator iterator = db.newIterator(log)) {
            for (iterator.seek(key(afterZxid + 1)); iterator.isValid() && out.size() < countMax; iterator.next()) {
                long zxid = ByteBuffer.wrap(iterator.key()).getLong();
                out.add(LogEntryCodec.decode(iterator.value(), zxid));
            }
            iterator.status();
        } catch (RocksDBException e) {
            throw new StorageException("cannot read the log after " + Zxid.format(afterZxid) + ": " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public void truncateAfter(long zxid) {
        if (zxid < compactedUpTo) {
            throw new IllegalArgumentException("cannot truncate after " + Zxid.format(zxid)
                    + ": entries up to " + Zxid.format(compactedUpTo) + " were compacted into a snapshot");
        }
        try (WriteBatch batch = new WriteBatch()) {
            batch.deleteRange(log, key(zxid + 1), key(Long.MAX_VALUE));
            db.write(storage.syncedWrite, batch);
        } catch (RocksDBException e) {
            throw new StorageException("cannot truncate the log after " + Zxid.format(zxid) + ": " + e.getMessage(), e);
        }
        long kept = floor(zxid);
        lastZxid = kept;
        lastDurableZxid = kept;
    }

    @Override
    public void compactUpTo(long zxid) {
        long point = Math.max(zxid, compactedUpTo);
        try (WriteBatch batch = new WriteBatch()) {
            batch.put(meta, COMPACTED_KEY, key(point));
            batch.deleteRange(log, key(0), key(point + 1));
            db.write(storage.syncedWrite, batch);
        } catch (RocksDBException e) {
            throw new StorageException("cannot compact the log up to " + Zxid.format(zxid) + ": " + e.getMessage(), e);
        }
        compactedUpTo = point;
        if (lastZxid < point) {
            lastZxid = point;
        }
        lastDurableZxid = Math.max(lastDurableZxid, Math.min(point, lastZxid));
    }

    @Override
    public void reset(long zxid) {
        try (WriteBatch batch = new WriteBatch()) {
            batch.put(meta, COMPACTED_KEY, key(zxid));
            batch.deleteRange(log, key(0), key(Long.MAX_VALUE));
            db.write(storage.syncedWrite, batch);
        } catch (RocksDBException e) {
            throw new StorageException("cannot reset the log to " + Zxid.format(zxid) + ": " + e.getMessage(), e);
        }
        compactedUpTo = zxid;
        lastZxid = zxid;
        lastDurableZxid = zxid;
    }

    /** The storage closes the database; closing the log alone releases nothing. */
    @Override
    public void close() {
        // owned by RocksDbStorage
    }

    private long floor(long zxid) {
        try (RocksIterator iterator = db.newIterator(log)) {
            iterator.seekForPrev(key(zxid));
            return iterator.isValid() ? ByteBuffer.wrap(iterator.key()).getLong() : compactedUpTo;
        }
    }

    static byte[] key(long zxid) {
        return ByteBuffer.allocate(8).putLong(zxid).array();
    }

}
