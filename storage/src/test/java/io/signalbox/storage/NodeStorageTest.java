package io.signalbox.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's data directory end to end: recover from the newest valid snapshot plus the log after it. */
class NodeStorageTest {
    @TempDir
    Path directory;

    private static LogEntry entry(long counter) {
        return new LogEntry((1L << 32) | counter, 1, new byte[] {(byte) counter});
    }

    private static List<LogEntry> entries(long from, long to) {
        List<LogEntry> out = new ArrayList<>();
        for (long c = from; c <= to; c++) {
            out.add(entry(c));
        }
        return out;
    }

    private static void snapshot(NodeStorage storage, long zxid, byte[] state) {
        try (SnapshotStore.Writer writer = storage.snapshotStore().begin(zxid)) {
            writer.write(0, state);
            writer.commit();
        }
    }

    @Test
    void recoveryIsTheNewestSnapshotPlusTheLogAfterIt() {
        try (NodeStorage storage = NodeStorage.open(directory)) {
            storage.epochStore().store(new Epochs(3, 2));
            storage.txnLog().appendDurably(entries(1, 10));
            snapshot(storage, (1L << 32) | 6, new byte[] {6});
            storage.compactTo((1L << 32) | 6);
        }
        try (NodeStorage storage = NodeStorage.open(directory)) {
            NodeStorage.Recovered recovered = storage.recover();
            assertEquals(new Epochs(3, 2), recovered.epochs());
            assertEquals((1L << 32) | 6, recovered.snapshot().orElseThrow().zxid());
            assertArrayEquals(new byte[] {6}, recovered.snapshot().orElseThrow().state());
            assertEquals(entries(7, 10), recovered.entries());
            assertEquals((1L << 32) | 10, recovered.lastZxid());
            assertEquals(-1, recovered.tornZxid());
        }
    }

    @Test
    void compactionWithoutAValidSnapshotRemovesNothing() {
        try (NodeStorage storage = NodeStorage.open(directory)) {
            storage.txnLog().appendDurably(entries(1, 5));
            StorageException error = assertThrows(StorageException.class, () -> storage.compactTo((1L << 32) | 4));
            assertTrue(error.getMessage().contains("1:4"), error.getMessage());
            assertEquals(entries(1, 5), storage.txnLog().read(0, 100));
        }
    }

    @Test
    void aCorruptNewestSnapshotFallsBackOnlyIfTheLogStillCoversTheGap() throws Exception {
        try (NodeStorage storage = NodeStorage.open(directory)) {
            storage.txnLog().appendDurably(entries(1, 10));
            snapshot(storage, (1L << 32) | 3, new byte[] {3});
            snapshot(storage, (1L << 32) | 8, new byte[] {8, 8, 8, 8});
            storage.compactTo((1L << 32) | 3);
            storage.txnLog().compactUpTo((1L << 32) | 8);
        }
        Path newest = directory.resolve("snapshots").resolve(String.format("snapshot-%016x.snap", (1L << 32) | 8));
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length / 2] ^= 1;
        Files.write(newest, bytes);
        try (NodeStorage storage = NodeStorage.open(directory)) {
            StorageException error = assertThrows(StorageException.class, storage::recover);
            assertTrue(error.getMessage().contains("starts after 1:8") && error.getMessage().contains("resync"), error.getMessage());
        }
    }
}
