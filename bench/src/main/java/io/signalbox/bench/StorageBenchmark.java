package io.signalbox.bench;

import io.signalbox.storage.GroupCommitLog;
import io.signalbox.storage.LogEntry;
import io.signalbox.storage.rocksdb.RocksDbStorage;
import io.signalbox.testkit.Processes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * How fast synced appends are with group commit, against the raw fsync rate of the same
 * disk. Each appender is a thread in a closed loop: append one entry, wait until it is
 * durable, repeat. A warm-up second is excluded from every figure.
 */
public final class StorageBenchmark {
    /** One row of the result. */
    public record Row(int appenders, double appendsPerSecond, double averageBatchEntries, double p50Ms, double p99Ms) {}

    public static final int APPENDERS_MAX = 4_096;

    /**
     * What {@code bench storage} measures.
     *
     * @param directory on the disk to measure; null for a new directory under java.io.tmpdir, deleted afterwards
     * @param seconds measured per setting, after the warm-up
     * @param appenders numbers of concurrent appenders, a row each
     */
    public record Settings(Path directory, double seconds, List<Integer> appenders, int entryBytes) {
        public Settings {
            if (appenders.isEmpty()) {
                throw new IllegalArgumentException("--appenders needs at least one number of appenders, got none");
            }
            for (int count : appenders) {
                SettingChecks.inRange("--appenders values", count, 1, APPENDERS_MAX);
            }
            checkEntryBytesAndSeconds(entryBytes, seconds);
            appenders = List.copyOf(appenders);
        }
    }

    /** Latency samples kept per appender thread, at most; beyond it throughput is still counted. */
    static final int SAMPLES_PER_THREAD_MAX = 200_000;
    static final long WARMUP_NANOS = 1_000_000_000L;

    private final Path directory;
    private final int entryBytes;
    private final double seconds;

    public StorageBenchmark(Path directory, int entryBytes, double seconds) {
        checkEntryBytesAndSeconds(entryBytes, seconds);
        this.directory = directory;
        this.entryBytes = entryBytes;
        this.seconds = seconds;
    }

    private static void checkEntryBytesAndSeconds(int entryBytes, double seconds) {
        SettingChecks.inRange("--entry-bytes", entryBytes, 1, 1 << 20);
        if (!(seconds > 0 && seconds <= 600)) {
            throw new IllegalArgumentException("--seconds must be in (0, 600], got " + seconds);
        }
    }

    /**
     * {@code bench storage}: prints the disk's raw fsync rate, then a row per number of appenders
     * (appends/s, average batch, p50 and p99 latency, and appends/s over the raw fsync rate).
     */
    public static List<Row> run(PrintWriter out, Settings settings) throws Exception {
        boolean temporary = settings.directory() == null;
        Path dir = temporary ? Files.createTempDirectory("signalbox-bench-storage-") : settings.directory();
        List<Row> rows = new ArrayList<>();
        try {
            StorageBenchmark benchmark = new StorageBenchmark(dir, settings.entryBytes(), settings.seconds());
            out.printf("storage benchmark: dir=%s entry_bytes=%d seconds=%.1f cores=%d jvm=%s%n", dir, settings.entryBytes(),
                    settings.seconds(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
            double fsyncs = benchmark.rawFsyncsPerSecond();
            out.printf("raw_fsync_per_s=%.0f (write %d bytes + fdatasync, one thread)%n", fsyncs, settings.entryBytes());
            out.printf("%-10s %12s %10s %8s %8s %9s%n", "appenders", "appends/s", "avg_batch", "p50_ms", "p99_ms", "x_fsync");
            out.flush();
            for (int count : settings.appenders()) {
                Row row = benchmark.groupCommit(count);
                rows.add(row);
                out.printf("%-10d %12.0f %10.1f %8.2f %8.2f %9.1f%n", row.appenders(), row.appendsPerSecond(),
                        row.averageBatchEntries(), row.p50Ms(), row.p99Ms(), row.appendsPerSecond() / fsyncs);
                out.flush();
            }
        } finally {
            if (temporary) {
                Processes.deleteRecursively(dir);
            }
        }
        return rows;
    }

    /** Writes {@code entryBytes} and fsyncs (fdatasync), one thread, for the measurement time: fsyncs per second. */
    public double rawFsyncsPerSecond() throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve("fsync-probe");
        ByteBuffer data = ByteBuffer.allocate(entryBytes);
        long count = 0;
        long started;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long warmupEnd = System.nanoTime() + WARMUP_NANOS / 4;
            while (System.nanoTime() < warmupEnd) {
                channel.write(data.clear());
                channel.force(false);
            }
            started = System.nanoTime();
            long deadline = started + (long) (seconds * 1e9);
            while (System.nanoTime() < deadline) {
                channel.write(data.clear());
                channel.force(false);
                count++;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return count / ((System.nanoTime() - started) / 1e9);
    }

    /** Runs {@code appenders} closed-loop appenders against a fresh RocksDB log with group commit. */
    public Row groupCommit(int appenders) throws Exception {
        SettingChecks.inRange("appenders", appenders, 1, APPENDERS_MAX);
        Path runDirectory = directory.resolve("group-commit-" + appenders);
        Processes.deleteRecursively(runDirectory);
        try (RocksDbStorage storage = RocksDbStorage.open(runDirectory);
             GroupCommitLog group = new GroupCommitLog(storage.txnLog(), Math.max(1_024, appenders * 2), 4_096)) {
            Object submitOrder = new Object();
            long[] nextCounter = {0};
            long warmupEnd = System.nanoTime() + WARMUP_NANOS;
            long deadline = warmupEnd + (long) (seconds * 1e9);
            long[][] samples = new long[appenders][];
            int[] sampleCounts = new int[appenders];
            long[] completed = new long[appenders];
            GroupCommitLog.Stats[] statsAtStart = new GroupCommitLog.Stats[1];
            List<Thread> threads = new ArrayList<>();
            Throwable[] failure = new Throwable[1];
            for (int t = 0; t < appenders; t++) {
                int index = t;
                samples[t] = new long[Math.min(SAMPLES_PER_THREAD_MAX, 1_024)];
                Thread thread = new Thread(() -> {
                    byte[] payload = new byte[entryBytes];
                    try {
                        while (true) {
                            long begin = System.nanoTime();
                            if (begin >= deadline) {
                                return;
                            }
                            CompletableFuture<Long> done;
                            synchronized (submitOrder) {
                                long zxid = (1L << 32) | ++nextCounter[0];
                                done = group.append(List.of(new LogEntry(zxid, 1, payload)));
                            }
                            done.get();
                            long end = System.nanoTime();
                            if (begin >= warmupEnd && end <= deadline) {
                                completed[index]++;
                                record(samples, sampleCounts, index, end - begin);
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (ExecutionException | RuntimeException e) {
                        synchronized (failure) {
                            failure[0] = e;
                        }
                    }
                }, "bench-appender-" + t);
                threads.add(thread);
                thread.start();
            }
            Thread.sleep(Math.max(0, (warmupEnd - System.nanoTime()) / 1_000_000));
            statsAtStart[0] = group.stats();
            for (Thread thread : threads) {
                thread.join((long) (seconds * 1000) + 60_000);
            }
            GroupCommitLog.Stats statsAtEnd = group.stats();
            if (failure[0] != null) {
                throw new IllegalStateException("an appender failed: " + failure[0], failure[0]);
            }
            long total = Arrays.stream(completed).sum();
            long[] all = merge(samples, sampleCounts);
            long batches = statsAtEnd.batches() - statsAtStart[0].batches();
            long entries = statsAtEnd.entries() - statsAtStart[0].entries();
            return new Row(appenders, total / seconds, batches == 0 ? 0 : (double) entries / batches,
                    percentileMs(all, 0.50), percentileMs(all, 0.99));
        } finally {
            Processes.deleteRecursively(runDirectory);
        }
    }

    private static void record(long[][] samples, int[] counts, int index, long nanos) {
        if (counts[index] == samples[index].length) {
            if (samples[index].length >= SAMPLES_PER_THREAD_MAX) {
                return;
            }
            samples[index] = Arrays.copyOf(samples[index], Math.min(SAMPLES_PER_THREAD_MAX, samples[index].length * 2));
        }
        samples[index][counts[index]++] = nanos;
    }

    private static long[] merge(long[][] samples, int[] counts) {
        int size = Arrays.stream(counts).sum();
        long[] all = new long[size];
        int at = 0;
        for (int i = 0; i < samples.length; i++) {
            System.arraycopy(samples[i], 0, all, at, counts[i]);
            at += counts[i];
        }
        Arrays.sort(all);
        return all;
    }

    public static double percentileMs(long[] sortedNanos, double quantile) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(quantile * sortedNanos.length) - 1);
        return sortedNanos[Math.max(0, index)] / 1e6;
    }
}
