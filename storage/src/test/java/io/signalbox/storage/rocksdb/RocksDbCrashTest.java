package io.signalbox.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.common.Zxid;
import io.signalbox.storage.LogEntry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random moments: a child JVM appends continuously through group commit and
 * reports every zxid it was told is durable; after each kill the directory is reopened
 * and every reported zxid must be there, in order, with valid checksums, and the log
 * must have no gap. Twenty kills per run.
 */
class RocksDbCrashTest {
    static final int KILLS = 20;

    @TempDir
    Path directory;

    @Test
    void everyReportedZxidSurvivesKillDashNine() throws Exception {
        SplittableRandom random = new SplittableRandom(20261122);
        long reportedMax = 0;
        long totalReported = 0;
        for (int kill = 1; kill <= KILLS; kill++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), CrashAppender.class.getName(),
                    directory.toString(), String.valueOf(random.nextLong()), "60")
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (java.io.IOException e) {
                    // the child died mid-line: what was read is what counts
                }
            }, "crash-test-reader");
            reader.start();
            try {
                String opened = lines.poll(30, TimeUnit.SECONDS);
                assertTrue(opened != null && opened.startsWith("opened "), "child did not start: " + opened);
                assertTrue(Long.parseLong(opened.substring(7)) >= (reportedMax & 0xffffffffL),
                        "restart " + kill + " opened below the last reported zxid: " + opened);
                int reportsBeforeKill = 1 + random.nextInt(2_000);
                for (int seen = 0; seen < reportsBeforeKill; seen++) {
                    if (lines.poll(10, TimeUnit.SECONDS) == null) {
                        break;
                    }
                }
            } finally {
                child.destroyForcibly(); // SIGKILL on Linux
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
                reader.join(10_000);
            }
            List<String> rest = new java.util.ArrayList<>(lines);
            for (String line : rest) {
                if (line.startsWith("persisted ")) {
                    reportedMax = Math.max(reportedMax, Long.parseLong(line.substring(10)));
                    totalReported++;
                }
            }
            verify(reportedMax, kill);
        }
        assertTrue(totalReported > 0, "the child never reported anything");
    }

    /** Reopens the directory: every reported zxid present, contiguous from 1:1, checksums verified by read. */
    private void verify(long reportedMax, int kill) {
        try (RocksDbStorage storage = RocksDbStorage.open(directory)) {
            List<LogEntry> entries = storage.txnLog().read(0, Integer.MAX_VALUE);
            long expected = 1;
            for (LogEntry entry : entries) {
                assertEquals((1L << 32) | expected, entry.zxid(), "after kill " + kill + ": a gap or disorder at " + expected);
                expected++;
            }
            long last = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).zxid();
            assertTrue(last >= reportedMax, "after kill " + kill + ": reported durable up to "
                    + Zxid.format(reportedMax) + " but only " + Zxid.format(last) + " survived");
        }
    }
}
