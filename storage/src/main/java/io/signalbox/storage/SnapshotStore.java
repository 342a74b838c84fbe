package io.signalbox.storage;

import java.util.Optional;

/**
 * Snapshots of the state machine, written in bounded chunks (a SNAP arrives that way)
 * and checksummed as a whole. A snapshot becomes visible only when {@link Writer#commit()}
 * returns, and is durable then; an aborted, interrupted or corrupt snapshot is never
 * returned by {@link #latest()}.
 */
public interface SnapshotStore {
    /** Largest chunk {@link Writer#write} accepts. */
    int CHUNK_BYTES_MAX = 4 << 20;

    /** Starts writing a snapshot at {@code zxid}; nothing is visible until commit. */
    Writer begin(long zxid);

    /** The newest committed snapshot whose checksum verifies, if any; damaged newer ones are skipped. */
    Optional<StoredSnapshot> latest();

    /**
     * The committed snapshot at {@code zxid}, verified.
     *
     * @throws StorageException naming the zxid if there is none, or it fails its checksum
     */
    StoredSnapshot read(long zxid);

    /** Writes a whole snapshot in chunks of {@link #CHUNK_BYTES_MAX} and commits it: durable and visible on return. */
    default void writeWhole(long zxid, byte[] state) {
        try (Writer writer = begin(zxid)) {
            int index = 0;
            for (int offset = 0; offset < state.length; offset += CHUNK_BYTES_MAX) {
                int length = Math.min(CHUNK_BYTES_MAX, state.length - offset);
                byte[] chunk = new byte[length];
                System.arraycopy(state, offset, chunk, 0, length);
                writer.write(index++, chunk);
            }
            writer.commit();
        }
    }

    /** Removes every snapshot older than {@code zxid}; call only once a newer one is committed. */
    void deleteOlderThan(long zxid);

    /** One snapshot being written. Not thread-safe. */
    interface Writer extends AutoCloseable {
        /**
         * Appends chunk number {@code index} (0, 1, 2, ...) of at most {@link #CHUNK_BYTES_MAX}
         * bytes. A chunk out of sequence is refused with both numbers, and nothing is written.
         */
        void write(int index, byte[] chunk);

        /** Makes the snapshot durable and visible. */
        void commit();

        /** Discards it; also what {@link #close()} does if commit was not called. */
        void abort();

        @Override
        default void close() {
            abort();
        }
    }
}
