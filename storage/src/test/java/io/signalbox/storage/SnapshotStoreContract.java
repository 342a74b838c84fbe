package io.signalbox.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The contract every {@link SnapshotStore} must meet. */
public abstract class SnapshotStoreContract {
    protected abstract SnapshotStore openFresh();

    protected abstract SnapshotStore crashAndReopen(SnapshotStore store);

    protected abstract void corrupt(SnapshotStore store, long zxid);

    private static void write(SnapshotStore store, long zxid, byte[]... chunks) {
        try (SnapshotStore.Writer writer = store.begin(zxid)) {
            for (int i = 0; i < chunks.length; i++) {
                writer.write(i, chunks[i]);
            }
            writer.commit();
        }
    }

    @Test
    void aCommittedSnapshotIsReadBackWholeFromItsChunks() {
        SnapshotStore store = openFresh();
        assertEquals(Optional.empty(), store.latest());
        write(store, 10, new byte[] {1, 2}, new byte[] {3}, new byte[0]);
        StoredSnapshot latest = store.latest().orElseThrow();
        assertEquals(10, latest.zxid());
        assertArrayEquals(new byte[] {1, 2, 3}, latest.state());
    }

    @Test
    void anUncommittedSnapshotIsNeverVisibleNorAfterACrash() {
        SnapshotStore store = openFresh();
        write(store, 5, new byte[] {5});
        SnapshotStore.Writer writer = store.begin(9);
        writer.write(0, new byte[] {9});
        assertEquals(5, store.latest().orElseThrow().zxid());
        SnapshotStore reopened = crashAndReopen(store);
        assertEquals(5, reopened.latest().orElseThrow().zxid());
    }

    @Test
    void theNewestSnapshotWinsAndOldOnesCanBeRemoved() {
        SnapshotStore store = openFresh();
        write(store, 5, new byte[] {5});
        write(store, 8, new byte[] {8});
        assertEquals(8, store.latest().orElseThrow().zxid());
        store.deleteOlderThan(8);
        assertEquals(8, crashAndReopen(store).latest().orElseThrow().zxid());
    }

    @Test
    void aCorruptSnapshotIsNeverReturnedAndReadingItNamesItsZxid() {
        SnapshotStore store = openFresh();
        write(store, 5, new byte[] {5, 5});
        write(store, (8L << 32) | 3, new byte[] {8, 8, 8, 8, 8, 8, 8, 8});
        corrupt(store, (8L << 32) | 3);
        assertEquals(5, store.latest().orElseThrow().zxid(), "falls back to the newest snapshot that verifies");
        StorageException error = assertThrows(StorageException.class, () -> store.read((8L << 32) | 3));
        assertTrue(error.getMessage().contains("8:3"), error.getMessage());
        assertArrayEquals(new byte[] {5, 5}, store.read(5).state());
    }

    @Test
    void aChunkOutOfSequenceIsRefusedAndNothingIsWritten() {
        SnapshotStore store = openFresh();
        try (SnapshotStore.Writer writer = store.begin(7)) {
            writer.write(0, new byte[] {1});
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> writer.write(2, new byte[] {3}));
            assertTrue(error.getMessage().contains("chunk 2") && error.getMessage().contains("expected chunk 1"), error.getMessage());
            writer.write(1, new byte[] {2});
            writer.commit();
        }
        assertArrayEquals(new byte[] {1, 2}, store.read(7).state());
    }

    @Test
    void anOversizedChunkIsRefusedWithTheLimit() {
        SnapshotStore store = openFresh();
        try (SnapshotStore.Writer writer = store.begin(1)) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> writer.write(0, new byte[SnapshotStore.CHUNK_BYTES_MAX + 1]));
            assertTrue(error.getMessage().contains(String.valueOf(SnapshotStore.CHUNK_BYTES_MAX)), error.getMessage());
        }
    }
}
