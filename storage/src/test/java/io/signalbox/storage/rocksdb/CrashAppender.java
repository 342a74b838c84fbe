package io.signalbox.storage.rocksdb;

import io.signalbox.storage.GroupCommitLog;
import io.signalbox.storage.LogEntry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;

/**
 * The child process of {@link RocksDbCrashTest}: appends forever through group commit,
 * several appends in flight, and prints {@code persisted <zxid>} once each is durable.
 * It is meant to die by kill -9; it stops by itself after {@code seconds}.
 */
public final class CrashAppender {
    private CrashAppender() {}

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        long deadline = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
        PrintStream out = new PrintStream(System.out, true, "UTF-8");
        SplittableRandom random = new SplittableRandom(seed);
        Semaphore inflight = new Semaphore(32);
        try (RocksDbStorage storage = RocksDbStorage.open(directory);
             GroupCommitLog group = new GroupCommitLog(storage.txnLog(), 4_096, 512)) {
            long counter = storage.txnLog().lastZxid() & 0xffffffffL;
            out.println("opened " + counter);
            while (System.nanoTime() < deadline) {
                inflight.acquire();
                long zxid = (1L << 32) | ++counter;
                byte[] payload = new byte[50 + random.nextInt(100)];
                random.nextBytes(payload);
                group.append(List.of(new LogEntry(zxid, 1, payload))).whenComplete((durable, failure) -> {
                    if (failure == null) {
                        synchronized (out) {
                            out.println("persisted " + durable);
                        }
                    }
                    inflight.release();
                });
            }
        }
    }
}
