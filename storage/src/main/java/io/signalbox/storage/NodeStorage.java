package io.signalbox.storage;

import io.signalbox.common.Zxid;
import io.signalbox.storage.rocksdb.RocksDbStorage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A node's data directory: {@code signalbox.lock}, RocksDB (log and epochs) in {@code db/},
 * snapshot files in {@code snapshots/}. The lock is held for as long as this is open,
 * so a second process (or a second open in this one) fails with a clear error.
 */
public final class NodeStorage implements AutoCloseable {
    private final Path directory;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final RocksDbStorage rocksDb;
    private final FileSnapshotStore snapshots;

    private NodeStorage(Path directory, FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.lockChannel = lockChannel;
        this.lock = lock;
        RocksDbStorage opened = null;
        try {
            opened = RocksDbStorage.open(directory.resolve("db"));
            this.snapshots = new FileSnapshotStore(directory.resolve("snapshots"));
        } catch (RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            releaseLock();
            throw e;
        }
        this.rocksDb = opened;
    }

    public static NodeStorage open(Path directory) {
        FileChannel channel;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(directory.resolve("signalbox.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StorageException("cannot open data directory " + directory + ": " + e.getMessage(), e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            lock = null;
        }
        if (lock == null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
            throw new StorageException("data directory " + directory + " is in use by another Signalbox process "
                    + "(signalbox.lock is held); stop it or choose another directory");
        }
        return new NodeStorage(directory, channel, lock);
    }

    /**
     * What a node starts from: its epochs, its newest snapshot that verifies (or none) and
     * every log entry after it, verified.
     *
     * @param tornZxid the zxid of a torn tail entry dropped while opening, or -1
     */
    public record Recovered(Epochs epochs, java.util.Optional<StoredSnapshot> snapshot, java.util.List<LogEntry> entries,
                            long tornZxid) {
        public long lastZxid() {
            return entries.isEmpty() ? snapshot.map(StoredSnapshot::zxid).orElse(0L) : entries.get(entries.size() - 1).zxid();
        }
    }

    /**
     * Reads back everything needed to start: newest valid snapshot, then the log after it.
     *
     * @throws StorageException if the log was compacted beyond the newest valid snapshot (the
     *                          txns in between are gone): the node needs a resync from its peers
     */
    public Recovered recover() {
        java.util.Optional<StoredSnapshot> snapshot = snapshots.latest();
        long base = snapshot.map(StoredSnapshot::zxid).orElse(0L);
        TxnLog log = txnLog();
        if (log.compactedUpTo() > base) {
            throw new StorageException("the log in " + directory + " starts after " + Zxid.format(log.compactedUpTo())
                    + " but the newest valid snapshot is at " + Zxid.format(base)
                    + ": the txns between are gone; this node needs a resync from its peers");
        }
        java.util.List<LogEntry> entries = new java.util.ArrayList<>();
        long after = base;
        while (true) {
            java.util.List<LogEntry> batch = log.read(after, 10_000);
            if (batch.isEmpty()) {
                break;
            }
            entries.addAll(batch);
            after = batch.get(batch.size() - 1).zxid();
        }
        return new Recovered(epochStore().load(), snapshot, entries, recoveredTornZxid());
    }

    /**
     * After a newer snapshot is durable: verifies it, then drops the log prefix it covers,
     * then the older snapshots, in that order, so a crash between steps leaves a startable node.
     *
     * @throws StorageException naming the zxid if there is no valid snapshot there; nothing is removed
     */
    public void compactTo(long snapshotZxid) {
        snapshots.read(snapshotZxid);
        txnLog().compactUpTo(snapshotZxid);
        snapshots.deleteOlderThan(snapshotZxid);
    }

    public TxnLog txnLog() {
        return rocksDb.txnLog();
    }

    public EpochStore epochStore() {
        return rocksDb.epochStore();
    }

    public SnapshotStore snapshotStore() {
        return snapshots;
    }

    /** The zxid of the torn tail entry dropped while opening, or -1. */
    public long recoveredTornZxid() {
        return rocksDb.rocksDbTxnLog().recoveredTornZxid();
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        rocksDb.close();
        releaseLock();
    }

    private void releaseLock() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new StorageException("cannot release the lock on " + directory + ": " + e.getMessage(), e);
        }
    }
}
