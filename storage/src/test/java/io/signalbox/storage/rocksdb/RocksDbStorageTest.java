package io.signalbox.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.storage.EpochStore;
import io.signalbox.storage.EpochStoreContract;
import io.signalbox.storage.Epochs;
import io.signalbox.storage.FileSnapshotStore;
import io.signalbox.storage.GroupCommitLog;
import io.signalbox.storage.LogEntry;
import io.signalbox.storage.NodeStorage;
import io.signalbox.storage.SnapshotStore;
import io.signalbox.storage.SnapshotStoreContract;
import io.signalbox.storage.StorageException;
import io.signalbox.storage.TxnLog;
import io.signalbox.storage.TxnLogContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract suites against RocksDB and snapshot files, plus what only a real disk has. */
class RocksDbStorageTest {
    @TempDir
    Path temporary;

    private final Map<TxnLog, RocksDbStorage> open = new IdentityHashMap<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private int directories;

    private Path freshDirectory() {
        return temporary.resolve("store-" + directories++);
    }

    private TxnLog track(RocksDbStorage storage) {
        open.put(storage.txnLog(), storage);
        toClose.add(storage);
        return storage.txnLog();
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    @Nested
    class TxnLogTest extends TxnLogContract {
        @Override
        protected TxnLog openFresh() {
            return track(RocksDbStorage.open(freshDirectory()));
        }

        /** Same-JVM stand-in for a crash: reopen. The real kill -9 is RocksDbCrashTest. */
        @Override
        protected TxnLog crashAndReopen(TxnLog log, long seed) {
            RocksDbStorage storage = open.remove(log);
            storage.close();
            toClose.remove(storage);
            return track(RocksDbStorage.open(storage.directory()));
        }

        @Override
        protected TxnLog damageAndReopen(TxnLog log, long zxid) {
            RocksDbStorage storage = open.remove(log);
            storage.close();
            toClose.remove(storage);
            try {
                RawRocksDb.rewriteLogValue(storage.directory(), zxid, value -> {
                    value[value.length - 7] ^= 0x20;
                    return value;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return track(RocksDbStorage.open(storage.directory()));
        }
    }

    @Nested
    class EpochStoreTest extends EpochStoreContract {
        private Path directory;

        @Override
        protected EpochStore openFresh() {
            directory = freshDirectory();
            RocksDbStorage storage = RocksDbStorage.open(directory);
            toClose.add(storage);
            return storage.epochStore();
        }

        @Override
        protected EpochStore crashAndReopen(EpochStore store) {
            for (AutoCloseable closeable : toClose) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            toClose.clear();
            RocksDbStorage storage = RocksDbStorage.open(directory);
            toClose.add(storage);
            return storage.epochStore();
        }
    }

    @Nested
    class SnapshotFilesTest extends SnapshotStoreContract {
        private Path directory;

        @Override
        protected SnapshotStore openFresh() {
            directory = freshDirectory();
            return new FileSnapshotStore(directory);
        }

        @Override
        protected SnapshotStore crashAndReopen(SnapshotStore store) {
            return new FileSnapshotStore(directory);
        }

        @Override
        protected void corrupt(SnapshotStore store, long zxid) {
            Path file = ((FileSnapshotStore) store).fileFor(zxid);
            try {
                byte[] bytes = Files.readAllBytes(file);
                bytes[bytes.length / 2] ^= 0x40;
                Files.write(file, bytes);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefusedClearly() {
        Path directory = freshDirectory();
        try (NodeStorage first = NodeStorage.open(directory)) {
            StorageException error = assertThrows(StorageException.class, () -> NodeStorage.open(directory));
            assertTrue(error.getMessage().contains("is in use by another Signalbox process"), error.getMessage());
            StorageException rocks = assertThrows(StorageException.class, () -> RocksDbStorage.open(directory.resolve("db")));
            assertTrue(rocks.getMessage().contains("in use by another process"), rocks.getMessage());
            first.epochStore().store(new Epochs(2, 1));
        }
        try (NodeStorage again = NodeStorage.open(directory)) {
            assertEquals(new Epochs(2, 1), again.epochStore().load(), "the lock is released on close");
        }
    }

    @Test
    void theTornTailDroppedAtOpenIsReportedWithItsZxid() throws Exception {
        Path directory = freshDirectory();
        try (RocksDbStorage storage = RocksDbStorage.open(directory)) {
            storage.txnLog().append(List.of(new LogEntry(1L << 32 | 1, 1, new byte[] {1}), new LogEntry(1L << 32 | 2, 1, new byte[30])));
            storage.txnLog().sync();
        }
        RawRocksDb.rewriteLogValue(directory, 1L << 32 | 2, value -> java.util.Arrays.copyOf(value, value.length / 2));
        try (RocksDbStorage storage = RocksDbStorage.open(directory)) {
            assertEquals(1L << 32 | 2, storage.rocksDbTxnLog().recoveredTornZxid());
            assertEquals(1L << 32 | 1, storage.txnLog().lastZxid());
        }
    }

    @Test
    void groupCommitBatchesConcurrentAppendsAndCompletesOnlyWhenDurable() throws Exception {
        try (RocksDbStorage storage = RocksDbStorage.open(freshDirectory());
             GroupCommitLog group = new GroupCommitLog(storage.txnLog(), 10_000, 1_000)) {
            List<CompletableFuture<Long>> done = new ArrayList<>();
            for (long counter = 1; counter <= 2_000; counter++) {
                done.add(group.append(List.of(new LogEntry(1L << 32 | counter, 1, new byte[100]))));
            }
            for (int i = 0; i < done.size(); i++) {
                assertEquals(1L << 32 | (i + 1), done.get(i).get());
            }
            assertEquals(1L << 32 | 2_000, storage.txnLog().lastDurableZxid());
            assertTrue(group.stats().batches() < 2_000, "2,000 appends were not batched: " + group.stats());
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> group.append(List.of(new LogEntry(1L << 32 | 5, 1, new byte[1]))));
            assertEquals("append out of order: zxid 1:5 after 1:2000", error.getMessage());
        }
    }

    @Test
    void groupCommitStopsItsWriterOnClose() {
        try (RocksDbStorage storage = RocksDbStorage.open(freshDirectory())) {
            GroupCommitLog group = new GroupCommitLog(storage.txnLog(), 100, 10);
            group.close();
            assertTrue(group.writerStopped());
            StorageException error = assertThrows(StorageException.class,
                    () -> group.append(List.of(new LogEntry(1L << 32 | 1, 1, new byte[1]))));
            assertEquals("the group-commit log is closed", error.getMessage());
        }
    }
}
