package io.signalbox.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link TxnLog} must meet. Subclasses say how to open a fresh log,
 * how to simulate a crash (losing what was not synced) and how to damage one entry.
 */
public abstract class TxnLogContract {
    /** A fresh, empty log. */
    protected abstract TxnLog openFresh();

    /** Kills the "process" without a sync and opens the log again, as start-up would. */
    protected abstract TxnLog crashAndReopen(TxnLog log, long seed);

    /**
     * Damages the stored bytes of the entry at {@code zxid}, then opens the log again as a
     * restart would (recovery runs) and returns it.
     */
    protected abstract TxnLog damageAndReopen(TxnLog log, long zxid);

    protected static long zxid(long epoch, long counter) {
        return (epoch << 32) | counter;
    }

    protected static LogEntry entry(long epoch, long counter) {
        return new LogEntry(zxid(epoch, counter), epoch, ("txn " + epoch + ":" + counter).getBytes(StandardCharsets.UTF_8));
    }

    protected static List<LogEntry> entries(long epoch, long fromCounter, long toCounter) {
        List<LogEntry> out = new ArrayList<>();
        for (long c = fromCounter; c <= toCounter; c++) {
            out.add(entry(epoch, c));
        }
        return out;
    }

    @Test
    void readsBackWhatWasAppendedInZxidOrder() {
        try (TxnLog log = openFresh()) {
            log.append(entries(1, 1, 5));
            log.append(entries(2, 1, 3));
            assertEquals(zxid(2, 3), log.lastZxid());
            List<LogEntry> all = log.read(0, 100);
            assertEquals(8, all.size());
            assertEquals(entry(1, 1), all.get(0));
            assertEquals(entry(2, 3), all.get(7));
            assertEquals(List.of(entry(1, 5), entry(2, 1)), log.read(zxid(1, 4), 2));
        }
    }

    @Test
    void refusesZxidsThatDoNotIncreaseAndNamesThem() {
        try (TxnLog log = openFresh()) {
            log.append(entries(1, 1, 3));
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> log.append(List.of(entry(1, 2))));
            assertTrue(error.getMessage().contains("1:2"), error.getMessage());
            assertEquals(zxid(1, 3), log.lastZxid(), "a refused append changes nothing");
        }
    }

    @Test
    void syncMakesEverythingAppendedDurable() {
        try (TxnLog log = openFresh()) {
            log.append(entries(1, 1, 4));
            assertEquals(zxid(1, 4), log.sync());
            assertEquals(zxid(1, 4), log.lastDurableZxid());
            assertEquals(zxid(1, 4), log.sync(), "sync is idempotent");
        }
    }

    @Test
    void syncedEntriesSurviveACrashAndUnsyncedOnesMayNot() {
        for (long seed = 1; seed <= 20; seed++) {
            TxnLog log = openFresh();
            log.append(entries(1, 1, 10));
            log.sync();
            log.append(entries(1, 11, 20));
            TxnLog reopened = crashAndReopen(log, seed);
            List<LogEntry> survived = reopened.read(0, 100);
            assertTrue(survived.size() >= 10 && survived.size() <= 20, "seed " + seed + ": " + survived.size());
            assertEquals(entries(1, 1, survived.size()), survived, "survivors form a prefix, torn tail dropped");
            reopened.close();
        }
    }

    @Test
    void truncateRemovesTheSuffixDurably() {
        TxnLog log = openFresh();
        log.append(entries(1, 1, 6));
        log.truncateAfter(zxid(1, 3));
        assertEquals(zxid(1, 3), log.lastZxid());
        assertEquals(zxid(1, 3), log.lastDurableZxid(), "what truncate keeps is durable");
        log.append(entries(2, 1, 2));
        log.sync();
        TxnLog reopened = crashAndReopen(log, 7);
        assertEquals(List.of(entry(1, 1), entry(1, 2), entry(1, 3), entry(2, 1), entry(2, 2)), reopened.read(0, 100));
        reopened.close();
    }

    @Test
    void anAppendAtOrBelowATruncationPointIsRefused() {
        try (TxnLog log = openFresh()) {
            log.append(entries(1, 1, 6));
            log.truncateAfter(zxid(1, 3));
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> log.append(entries(1, 3, 4)));
            assertTrue(error.getMessage().contains("1:3"), error.getMessage());
            assertEquals(entries(1, 1, 3), log.read(0, 100), "nothing written");
        }
    }

    @Test
    void compactionDropsThePrefixASnapshotCovers() {
        try (TxnLog log = openFresh()) {
            log.append(entries(1, 1, 6));
            log.sync();
            log.compactUpTo(zxid(1, 4));
            assertEquals(zxid(1, 4), log.compactedUpTo());
            assertEquals(List.of(entry(1, 5), entry(1, 6)), log.read(0, 100));
            assertThrows(IllegalArgumentException.class, () -> log.truncateAfter(zxid(1, 2)));
        }
    }

    @Test
    void resetStartsTheLogAfterAnInstalledSnapshot() {
        try (TxnLog log = openFresh()) {
            log.append(entries(1, 1, 3));
            log.reset(zxid(2, 7));
            assertEquals(zxid(2, 7), log.lastZxid());
            assertEquals(List.of(), log.read(0, 100));
            log.append(entries(2, 8, 9));
            assertEquals(zxid(2, 9), log.lastZxid());
        }
    }

    @Test
    void corruptionBeforeTheLastEntryIsAStartupErrorNamingItsZxidNeverASkip() {
        TxnLog log = openFresh();
        log.append(entries(1, 1, 5));
        log.sync();
        CorruptLogException error = assertThrows(CorruptLogException.class, () -> damageAndReopen(log, zxid(1, 3)).read(0, 100));
        assertEquals(zxid(1, 3), error.zxid());
        assertTrue(error.getMessage().contains("1:3") && error.getMessage().contains("resync"), error.getMessage());
    }

    @Test
    void aDamagedLastEntryIsATornWriteAndIsDroppedAtRecovery() {
        TxnLog log = openFresh();
        log.append(entries(1, 1, 5));
        log.sync();
        TxnLog reopened = damageAndReopen(log, zxid(1, 5));
        assertEquals(entries(1, 1, 4), reopened.read(0, 100));
        assertEquals(zxid(1, 4), reopened.lastZxid());
        reopened.append(List.of(entry(1, 5)));
        assertEquals(zxid(1, 5), reopened.lastZxid(), "the log goes on after the dropped tail");
        reopened.close();
    }

    @Test
    void anAppendAtOrBelowTheCompactionPointIsRefused() {
        try (TxnLog log = openFresh()) {
            log.append(entries(1, 1, 4));
            log.compactUpTo(zxid(1, 4));
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> log.append(List.of(entry(1, 3))));
            assertTrue(error.getMessage().contains("1:3") && error.getMessage().contains("1:4"), error.getMessage());
            assertEquals(List.of(), log.read(0, 100), "nothing written");
        }
    }

    @Test
    void crashesAtRandomNeverLoseSyncedEntries() {
        SplittableRandom random = new SplittableRandom(42);
        TxnLog log = openFresh();
        long synced = 0;
        long counter = 0;
        for (int round = 0; round < 50; round++) {
            int count = 1 + random.nextInt(5);
            log.append(entries(1, counter + 1, counter + count));
            counter += count;
            if (random.nextBoolean()) {
                synced = log.sync();
            }
            if (random.nextInt(4) == 0) {
                log = crashAndReopen(log, random.nextLong());
                assertTrue(log.lastZxid() >= synced, "lost synced entries: last " + log.lastZxid() + " < " + synced);
                counter = log.lastZxid() & 0xffffffffL;
                synced = log.lastDurableZxid();
            }
        }
        log.close();
    }
}
