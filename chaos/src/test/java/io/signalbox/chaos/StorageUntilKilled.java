package io.signalbox.chaos;

import io.signalbox.common.Zxid;
import io.signalbox.storage.LogEntry;
import io.signalbox.storage.NodeStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A child process for {@link FaultFsTest}: opens a node's storage (RocksDB and snapshot files)
 * in {@code args[0]}, appends {@code args[1]} entries durably, one synced write each, writes a
 * snapshot at the second entry, appends {@code args[2]} more without a sync, prints "ready" and
 * waits (60 s at most) to be killed with -9, so nothing closes the storage.
 */
public final class StorageUntilKilled {
    private StorageUntilKilled() {}

    static LogEntry entry(long counter) {
        return new LogEntry(Zxid.of(1, counter), 1, ("entry " + counter).getBytes(StandardCharsets.UTF_8));
    }

    public static void main(String[] args) throws InterruptedException {
        NodeStorage storage = NodeStorage.open(Path.of(args[0]));
        int durable = Integer.parseInt(args[1]);
        int unsynced = Integer.parseInt(args[2]);
        for (long c = 1; c <= durable; c++) {
            storage.txnLog().appendDurably(List.of(entry(c)));
        }
        storage.snapshotStore().writeWhole(Zxid.of(1, 2), "state at 1:2".getBytes(StandardCharsets.UTF_8));
        for (long c = durable + 1; c <= durable + unsynced; c++) {
            storage.txnLog().append(List.of(entry(c)));
        }
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(60_000);
    }
}
