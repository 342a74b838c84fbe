package io.signalbox.storage.rocksdb;

import io.signalbox.storage.EpochStore;
import io.signalbox.storage.StorageException;
import io.signalbox.storage.TxnLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteOptions;

/**
 * One node's RocksDB: the transaction log and the epochs, each in its own column
 * family, with the options chosen for this workload (see docs/storage.md). Opening it
 * takes RocksDB's LOCK file, so two processes cannot use one data directory. It owns
 * every RocksDB object it creates and closes them all in {@link #close()}.
 */
public final class RocksDbStorage implements AutoCloseable {
    static final byte[] LOG_FAMILY = "log".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    static final byte[] META_FAMILY = "meta".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions logOptions;
    private final ColumnFamilyOptions metaOptions;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksDB db;
    final WriteOptions syncedWrite;
    final WriteOptions unsyncedWrite;
    private final RocksDbTxnLog txnLog;
    private final RocksDbEpochStore epochStore;

    private RocksDbStorage(Path directory) throws RocksDBException {
        this.directory = directory;
        this.dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                // A crash may cut the WAL mid-record; recover to the last intact write, never beyond a hole.
                .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(3)
                .setMaxTotalWalSize(256L << 20)
                .setAvoidFlushDuringShutdown(false);
        // Log entries are small and written once, in key order; compression costs CPU on the commit path
        // and saves little on payloads that are mostly ids and addresses.
        this.logOptions = new ColumnFamilyOptions()
                .setCompressionType(CompressionType.NO_COMPRESSION)
                .setWriteBufferSize(64L << 20)
                .setMaxWriteBufferNumber(3)
                .setLevelCompactionDynamicLevelBytes(true);
        this.metaOptions = new ColumnFamilyOptions().setCompressionType(CompressionType.NO_COMPRESSION);
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, metaOptions),
                new ColumnFamilyDescriptor(LOG_FAMILY, logOptions),
                new ColumnFamilyDescriptor(META_FAMILY, metaOptions));
        RocksDB opened;
        try {
            opened = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            closeOptions();
            String status = String.valueOf(e.getMessage());
            if (status.contains("lock")) {
                throw new StorageException("data directory " + directory + " is in use by another process (RocksDB LOCK held): " + status, e);
            }
            throw e;
        }
        this.db = opened;
        this.syncedWrite = new WriteOptions().setSync(true);
        this.unsyncedWrite = new WriteOptions().setSync(false);
        this.epochStore = new RocksDbEpochStore(db, handles.get(2), syncedWrite);
        RocksDbTxnLog log;
        try {
            log = new RocksDbTxnLog(this, db, handles.get(1), handles.get(2));
        } catch (RuntimeException e) {
            close(); // recovery refused the log: release the lock and every RocksDB object
            throw e;
        }
        this.txnLog = log;
    }

    /**
     * Opens (creating if needed) the storage in {@code directory}, recovering the log: a torn
     * or corrupt last entry is dropped and reported by {@link RocksDbTxnLog#recoveredTornZxid()};
     * corruption before the last entry fails with the zxid.
     */
    public static RocksDbStorage open(Path directory) {
        try {
            Files.createDirectories(directory);
            return new RocksDbStorage(directory);
        } catch (RocksDBException e) {
            throw new StorageException("cannot open RocksDB in " + directory + ": " + e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new StorageException("cannot create data directory " + directory + ": " + e.getMessage(), e);
        }
    }

    public TxnLog txnLog() {
        return txnLog;
    }

    public RocksDbTxnLog rocksDbTxnLog() {
        return txnLog;
    }

    public EpochStore epochStore() {
        return epochStore;
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        for (ColumnFamilyHandle handle : handles) {
            handle.close();
        }
        handles.clear();
        if (db != null) {
            db.close();
        }
        if (syncedWrite != null) {
            syncedWrite.close();
            unsyncedWrite.close();
        }
        closeOptions();
    }

    private void closeOptions() {
        dbOptions.close();
        logOptions.close();
        metaOptions.close();
    }
}
