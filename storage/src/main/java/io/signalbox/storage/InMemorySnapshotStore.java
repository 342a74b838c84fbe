package io.signalbox.storage;

import io.signalbox.common.Zxid;
import java.io.ByteArrayOutputStream;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Snapshots in memory with the same visibility rules as on disk: only committed,
 * checksum-verified snapshots are returned; {@link #crash()} discards any snapshot
 * still being written.
 */
public final class InMemorySnapshotStore implements SnapshotStore {
    private record Stored(byte[] state, int crc) {}

    private final TreeMap<Long, Stored> committed = new TreeMap<>();
    private long generation;

    @Override
    public Writer begin(long zxid) {
        if (zxid < 0) {
            throw new IllegalArgumentException("snapshot zxid must be >= 0, got " + zxid);
        }
        long writerGeneration = generation;
        return new Writer() {
            private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            private final CRC32C crc = new CRC32C();
            private boolean finished;
            private int nextIndex;

            @Override
            public void write(int index, byte[] chunk) {
                ensureActive();
                if (index != nextIndex) {
                    throw new IllegalArgumentException("snapshot chunk " + index + " for zxid " + Zxid.format(zxid)
                            + " is out of sequence; expected chunk " + nextIndex);
                }
                if (chunk.length > CHUNK_BYTES_MAX) {
                    throw new IllegalArgumentException("snapshot chunk of " + chunk.length + " bytes exceeds the limit of "
                            + CHUNK_BYTES_MAX);
                }
                buffer.writeBytes(chunk);
                crc.update(chunk);
                nextIndex++;
            }

            @Override
            public void commit() {
                ensureActive();
                finished = true;
                byte[] state = buffer.toByteArray();
                committed.put(zxid, new Stored(state, (int) crc.getValue()));
            }

            @Override
            public void abort() {
                finished = true;
            }

            private void ensureActive() {
                if (finished) {
                    throw new IllegalStateException("snapshot writer for zxid " + Zxid.format(zxid) + " already finished");
                }
                if (writerGeneration != generation) {
                    throw new StorageException("snapshot writer for zxid " + Zxid.format(zxid) + " did not survive a crash");
                }
            }
        };
    }

    @Override
    public Optional<StoredSnapshot> latest() {
        for (long zxid : committed.descendingKeySet()) {
            try {
                return Optional.of(read(zxid));
            } catch (StorageException damaged) {
                // a newer snapshot that fails its checksum is skipped, as on disk
            }
        }
        return Optional.empty();
    }

    @Override
    public StoredSnapshot read(long zxid) {
        Stored stored = committed.get(zxid);
        if (stored == null) {
            throw new StorageException("no snapshot at zxid " + Zxid.format(zxid));
        }
        CRC32C crc = new CRC32C();
        crc.update(stored.state());
        if ((int) crc.getValue() != stored.crc()) {
            throw new StorageException("snapshot at zxid " + Zxid.format(zxid) + " fails its checksum");
        }
        return new StoredSnapshot(zxid, stored.state());
    }

    @Override
    public void deleteOlderThan(long zxid) {
        committed.headMap(zxid, false).clear();
    }

    /** The process dies: snapshots being written are gone; committed ones stay. */
    public void crash() {
        generation++;
    }

    /** Test hook: damages the stored bytes of the snapshot at {@code zxid}. */
    public void corrupt(long zxid) {
        Stored stored = committed.get(zxid);
        if (stored == null || stored.state().length == 0) {
            throw new IllegalArgumentException("no non-empty snapshot at " + Zxid.format(zxid));
        }
        byte[] damaged = stored.state().clone();
        damaged[0] ^= 0x01;
        committed.put(zxid, new Stored(damaged, stored.crc()));
    }
}
