package io.signalbox.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The contract suites against the in-memory implementations, plus their crash-only behaviour. */
class InMemoryStorageTest {

    @Nested
    class TxnLogTest extends TxnLogContract {
        @Override
        protected TxnLog openFresh() {
            return new InMemoryTxnLog();
        }

        @Override
        protected TxnLog crashAndReopen(TxnLog log, long seed) {
            InMemoryTxnLog memory = (InMemoryTxnLog) log;
            SplittableRandom random = new SplittableRandom(seed);
            memory.crash(random::nextLong);
            memory.recover();
            return memory;
        }

        @Override
        protected TxnLog damageAndReopen(TxnLog log, long zxid) {
            InMemoryTxnLog memory = (InMemoryTxnLog) log;
            memory.corrupt(zxid);
            memory.recover();
            return memory;
        }
    }

    @Nested
    class EpochStoreTest extends EpochStoreContract {
        @Override
        protected EpochStore openFresh() {
            return new InMemoryEpochStore();
        }

        @Override
        protected EpochStore crashAndReopen(EpochStore store) {
            return store;
        }
    }

    @Nested
    class SnapshotStoreTest extends SnapshotStoreContract {
        @Override
        protected SnapshotStore openFresh() {
            return new InMemorySnapshotStore();
        }

        @Override
        protected SnapshotStore crashAndReopen(SnapshotStore store) {
            ((InMemorySnapshotStore) store).crash();
            return store;
        }

        @Override
        protected void corrupt(SnapshotStore store, long zxid) {
            ((InMemorySnapshotStore) store).corrupt(zxid);
        }
    }

    @Test
    void everyReadVerifiesChecksums() {
        InMemoryTxnLog log = new InMemoryTxnLog();
        log.append(List.of(new LogEntry(1L << 32 | 1, 1, new byte[40]), new LogEntry(1L << 32 | 2, 1, new byte[] {2})));
        log.corrupt(1L << 32 | 1);
        assertEquals(1L << 32 | 1, assertThrows(CorruptLogException.class, () -> log.read(0, 10)).zxid());
    }

    @Test
    void recoveryDropsATornTailAndReportsItsZxid() {
        InMemoryTxnLog log = new InMemoryTxnLog();
        log.append(List.of(new LogEntry(1L << 32 | 1, 1, new byte[] {1}), new LogEntry(1L << 32 | 2, 1, new byte[40])));
        log.sync();
        log.corrupt(1L << 32 | 2);
        assertEquals(1L << 32 | 2, log.recover());
        assertEquals(1L << 32 | 1, log.lastZxid());
    }

    @Test
    void recoveryRefusesCorruptionBeforeTheTail() {
        InMemoryTxnLog log = new InMemoryTxnLog();
        log.append(List.of(new LogEntry(1L << 32 | 1, 1, new byte[40]), new LogEntry(1L << 32 | 2, 1, new byte[] {2})));
        log.sync();
        log.corrupt(1L << 32 | 1);
        CorruptLogException error = assertThrows(CorruptLogException.class, log::recover);
        assertEquals(1L << 32 | 1, error.zxid());
        org.junit.jupiter.api.Assertions.assertTrue(error.getMessage().startsWith("corrupt log entry at zxid 1:1 ("), error.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(error.getMessage().endsWith("needs a resync from its peers"), error.getMessage());
    }
}
