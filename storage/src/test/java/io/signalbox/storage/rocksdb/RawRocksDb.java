package io.signalbox.storage.rocksdb;

import io.signalbox.common.Zxid;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

/** Test-only access to the raw key-value pairs, to damage what Signalbox wrote as a disk fault would. */
final class RawRocksDb {
    private RawRocksDb() {}

    /** Replaces the stored value of the log entry at {@code zxid}; the storage must be closed. */
    static void rewriteLogValue(Path directory, long zxid, UnaryOperator<byte[]> damage) throws Exception {
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        List<ColumnFamilyDescriptor> descriptors = List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                new ColumnFamilyDescriptor(RocksDbStorage.LOG_FAMILY), new ColumnFamilyDescriptor(RocksDbStorage.META_FAMILY));
        try (DBOptions options = new DBOptions(); WriteOptions sync = new WriteOptions().setSync(true);
             RocksDB db = RocksDB.open(options, directory.toString(), descriptors, handles)) {
            byte[] value = db.get(handles.get(1), RocksDbTxnLog.key(zxid));
            if (value == null) {
                throw new IllegalArgumentException("no log entry at " + Zxid.format(zxid));
            }
            db.put(handles.get(1), sync, RocksDbTxnLog.key(zxid), damage.apply(value.clone()));
        } finally {
            handles.forEach(ColumnFamilyHandle::close);
        }
    }
}
