package io.signalbox.storage.rocksdb;

import com.google.protobuf.InvalidProtocolBufferException;
import io.signalbox.proto.log.EpochRecord;
import io.signalbox.storage.EpochStore;
import io.signalbox.storage.Epochs;
import io.signalbox.storage.StorageException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/** Both epochs in one key of the meta column family, written with a synced write: durable on return, atomic. */
final class RocksDbEpochStore implements EpochStore {
    private static final byte[] KEY = "epochs".getBytes(StandardCharsets.UTF_8);

    private final RocksDB db;
    private final ColumnFamilyHandle meta;
    private final WriteOptions syncedWrite;

    RocksDbEpochStore(RocksDB db, ColumnFamilyHandle meta, WriteOptions syncedWrite) {
        this.db = db;
        this.meta = meta;
        this.syncedWrite = syncedWrite;
    }

    @Override
    public Epochs load() {
        try {
            byte[] value = db.get(meta, KEY);
            if (value == null) {
                return Epochs.ZERO;
            }
            EpochRecord record = EpochRecord.parseFrom(value);
            if (checksum(record.getAcceptedEpoch(), record.getCurrentEpoch()) != record.getCrc32C()) {
                throw new StorageException("the stored epochs (accepted=" + record.getAcceptedEpoch() + ", current="
                        + record.getCurrentEpoch() + ") fail their checksum; this node needs a resync from its peers");
            }
            return new Epochs(record.getAcceptedEpoch(), record.getCurrentEpoch());
        } catch (RocksDBException e) {
            throw new StorageException("cannot read the epochs: " + e.getMessage(), e);
        } catch (InvalidProtocolBufferException e) {
            throw new StorageException("the stored epochs do not parse: " + e.getMessage(), e);
        }
    }

    @Override
    public void store(Epochs epochs) {
        byte[] value = EpochRecord.newBuilder().setAcceptedEpoch(epochs.acceptedEpoch())
                .setCurrentEpoch(epochs.currentEpoch())
                .setCrc32C(checksum(epochs.acceptedEpoch(), epochs.currentEpoch()))
                .build().toByteArray();
        try {
            db.put(meta, syncedWrite, KEY, value);
        } catch (RocksDBException e) {
            throw new StorageException("cannot store epochs " + epochs + ": " + e.getMessage(), e);
        }
    }

    private static int checksum(long accepted, long current) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(16).putLong(accepted).putLong(current).flip());
        return (int) crc.getValue();
    }
}
