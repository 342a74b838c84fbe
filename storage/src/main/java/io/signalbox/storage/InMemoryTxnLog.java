package io.signalbox.storage;

import io.signalbox.common.Zxid;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A transaction log in memory that behaves like a disk across crashes: {@link #crash}
 * keeps what was synced, a random prefix of what was not (the page cache may have
 * flushed some), and may tear the last record kept; {@link #recover()} then drops a torn
 * tail as a real start-up would. Used by the simulator and by tests.
 */
public final class InMemoryTxnLog implements TxnLog {
    private record Record(long zxid, byte[] bytes) {}

    private final ArrayList<Record> records = new ArrayList<>();
    private int durableCount;
    private long compactedUpTo;
    private boolean closed;

    @Override
    public void append(List<LogEntry> entries) {
        ensureOpen();
        long previous = lastZxid();
        List<Record> encoded = new ArrayList<>(entries.size());
        for (LogEntry entry : entries) {
            if (entry.zxid() <= previous) {
                throw new IllegalArgumentException("append out of order: zxid " + Zxid.format(entry.zxid())
                        + " after " + Zxid.format(previous));
            }
            byte[] bytes = LogEntryCodec.encode(entry);
            encoded.add(new Record(entry.zxid(), bytes));
            previous = entry.zxid();
        }
        records.addAll(encoded);
    }

    @Override
    public long sync() {
        ensureOpen();
        durableCount = records.size();
        return lastDurableZxid();
    }

    /**
     * Makes durable only the records up to {@code zxid}: an fsync covers the writes issued
     * before it, not those that arrive while it runs. The simulator's disk uses this.
     */
    public long syncThrough(long zxid) {
        ensureOpen();
        int upTo = firstIndexAfter(zxid);
        durableCount = Math.max(durableCount, Math.min(upTo, records.size()));
        return lastDurableZxid();
    }

    @Override
    public long lastZxid() {
        return records.isEmpty() ? compactedUpTo : records.get(records.size() - 1).zxid();
    }

    @Override
    public long lastDurableZxid() {
        return durableCount == 0 ? compactedUpTo : records.get(durableCount - 1).zxid();
    }

    @Override
    public long compactedUpTo() {
        return compactedUpTo;
    }

    @Override
    public List<LogEntry> read(long afterZxid, int countMax) {
        ensureOpen();
        List<LogEntry> out = new ArrayList<>();
        for (int i = firstIndexAfter(afterZxid); i < records.size() && out.size() < countMax; i++) {
            Record record = records.get(i);
            out.add(LogEntryCodec.decode(record.bytes(), record.zxid()));
        }
        return out;
    }

    @Override
    public void truncateAfter(long zxid) {
        ensureOpen();
        if (zxid < compactedUpTo) {
            throw new IllegalArgumentException("cannot truncate after " + Zxid.format(zxid)
                    + ": entries up to " + Zxid.format(compactedUpTo) + " were compacted into a snapshot");
        }
        records.subList(firstIndexAfter(zxid), records.size()).clear();
        durableCount = records.size();
    }

    @Override
    public void compactUpTo(long zxid) {
        ensureOpen();
        int drop = firstIndexAfter(zxid);
        records.subList(0, drop).clear();
        durableCount = Math.max(0, durableCount - drop);
        compactedUpTo = Math.max(compactedUpTo, zxid);
    }

    @Override
    public void reset(long zxid) {
        ensureOpen();
        records.clear();
        durableCount = 0;
        compactedUpTo = zxid;
    }

    /**
     * The process dies: synced records survive; of the unsynced ones a random prefix survives,
     * and the last survivor may be torn (cut short). Call {@link #recover()} afterwards.
     */
    public void crash(LongSupplier random) {
        int pending = records.size() - durableCount;
        int kept = durableCount + (pending == 0 ? 0 : (int) Math.floorMod(random.getAsLong(), pending + 1L));
        records.subList(kept, records.size()).clear();
        if (kept > durableCount && Math.floorMod(random.getAsLong(), 2L) == 0) {
            Record last = records.get(kept - 1);
            int length = (int) Math.floorMod(random.getAsLong(), (long) last.bytes().length);
            byte[] torn = new byte[length];
            System.arraycopy(last.bytes(), 0, torn, 0, length);
            records.set(kept - 1, new Record(last.zxid(), torn));
        }
        durableCount = records.size();
    }

    /**
     * Start-up: verifies every record; a bad last record is a torn write and is dropped;
     * a bad record before the last is corruption and fails with its zxid.
     *
     * @return the zxid of the torn tail entry that was dropped, or -1 if none
     */
    public long recover() {
        for (int i = 0; i < records.size(); i++) {
            Record record = records.get(i);
            try {
                LogEntryCodec.decode(record.bytes(), record.zxid());
            } catch (CorruptLogException e) {
                if (i == records.size() - 1) {
                    records.remove(i);
                    durableCount = records.size();
                    return record.zxid();
                }
                throw e;
            }
        }
        return -1;
    }

    /** Test hook: flips one bit inside the stored record of {@code zxid}. */
    public void corrupt(long zxid) {
        int index = firstIndexAfter(zxid - 1);
        if (index >= records.size() || records.get(index).zxid() != zxid) {
            throw new IllegalArgumentException("no record for zxid " + Zxid.format(zxid));
        }
        byte[] bytes = records.get(index).bytes().clone();
        bytes[bytes.length - 6] ^= 0x10;
        records.set(index, new Record(zxid, bytes));
    }

    @Override
    public void close() {
        closed = true;
    }

    private int firstIndexAfter(long zxid) {
        int low = 0;
        int high = records.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (records.get(middle).zxid() <= zxid) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private void ensureOpen() {
        if (closed) {
            throw new StorageException("transaction log is closed");
        }
    }
}
