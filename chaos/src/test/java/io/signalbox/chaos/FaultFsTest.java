package io.signalbox.chaos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.common.Zxid;
import io.signalbox.storage.LogEntry;
import io.signalbox.storage.NodeStorage;
import io.signalbox.storage.StorageException;
import io.signalbox.testkit.Launch;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault filesystem itself, a real FUSE mount (needs root, /dev/fuse, fuse3 and
 * python3-fusepy, which .ci/run installs; it fails, never skips, without them): unsynced data
 * is dropped and synced data kept, EIO and ENOSPC reach Java as IOExceptions, and RocksDB with
 * the snapshot files runs on it: after kill -9 alone an unsynced append survives (it was in
 * the OS), after kill -9 and a power loss only what was fsynced does.
 */
class FaultFsTest {
    @TempDir
    Path directory;

    private FaultFs fs;
    private Path mount;

    @BeforeEach
    void mountIt() throws Exception {
        mount = directory.resolve("mnt");
        fs = FaultFs.mount(FaultFs.extractScript(directory), directory.resolve("backing"), mount, directory.resolve("control.sock"),
                directory.resolve("faultfs.log"));
    }

    @AfterEach
    void unmountIt() {
        fs.close();
        assertFalse(FaultFs.mounted(mount), "unmounted after the test");
        assertTrue(FaultFs.mountsOfFaultFs().stream().noneMatch(p -> p.startsWith(directory.toString())), FaultFs.mountsOfFaultFs().toString());
    }

    private static void write(Path file, String text, boolean fsync, StandardOpenOption... options) throws IOException {
        try (FileChannel channel = FileChannel.open(file, options)) {
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            if (fsync) {
                channel.force(false);
            }
        }
    }

    @Test
    void whatWasNotFsyncedIsGoneAfterAPowerLossAndWhatWasIsKept() throws IOException {
        Path unsynced = mount.resolve("unsynced");
        Path synced = mount.resolve("synced");
        write(unsynced, "never fsynced", false, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        write(synced, "fsynced", true, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        write(synced, " then appended", false, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        assertEquals("fsynced then appended", Files.readString(synced), "before the drop a reader sees everything written");

        String dropped = fs.dropUnsynced();

        assertTrue(dropped.contains("2 files"), dropped);
        assertEquals("", Files.readString(unsynced), "a file created and never fsynced comes back empty");
        assertEquals("fsynced", Files.readString(synced));
        assertEquals(0, FaultFs.counter(fs.status(), "unsynced files"), "after a drop nothing is unsynced");
    }

    @Test
    void anOverwriteAndATruncateAreUndoneToTheLastFsync() throws IOException {
        Path file = mount.resolve("file");
        write(file, "0123456789", true, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap("ab".getBytes(StandardCharsets.UTF_8)), 3);
            channel.truncate(6);
            channel.write(ByteBuffer.wrap("XYZ".getBytes(StandardCharsets.UTF_8)), 8);
        }
        assertEquals("012ab5\0\0XYZ", Files.readString(file));
        fs.dropUnsynced();
        assertEquals("0123456789", Files.readString(file));
    }

    @Test
    void failedWritesAndFsyncsAndAFullDiskReachJavaAsIOExceptions() throws IOException {
        Path file = mount.resolve("file");
        write(file, "kept", true, StandardOpenOption.CREATE, StandardOpenOption.WRITE);

        fs.failWrites(true);
        IOException eio = assertThrows(IOException.class, () -> write(file, "x", false, StandardOpenOption.APPEND));
        assertTrue(eio.getMessage().contains("Input/output error"), eio.getMessage());
        fs.failWrites(false);

        fs.full(true);
        IOException full = assertThrows(IOException.class, () -> write(file, "x", false, StandardOpenOption.APPEND));
        assertTrue(full.getMessage().contains("No space left on device"), full.getMessage());
        assertThrows(IOException.class, () -> Files.createFile(mount.resolve("new")));
        assertEquals(0, Files.getFileStore(file).getUsableSpace(), "statfs says the disk is full");
        fs.full(false);

        fs.failFsync(true);
        IOException fsync = assertThrows(IOException.class, () -> write(file, " then lost", true, StandardOpenOption.APPEND));
        assertTrue(fsync.getMessage().contains("Input/output error"), fsync.getMessage());
        assertEquals(1, fs.fsyncsFailed());
        fs.failFsync(false);
        write(file, " and retried", true, StandardOpenOption.APPEND);
        assertEquals("kept then lost and retried", Files.readString(file));
        fs.dropUnsynced();
        assertEquals("kept", Files.readString(file), "a retried fsync that succeeds does not save what a failed one covered");
    }

    @Test
    void rocksDbAndTheSnapshotFilesKeepWhatTheyFsyncedThroughAPowerLoss() throws Exception {
        Path data = mount.resolve("data");
        killWhileOpen(data, 20, 5);
        assertEquals(25, recoveredLastCounter(data), "after kill -9 alone the unsynced appends are still in the OS");

        String dropped = fs.dropUnsynced();
        assertEquals(25, recoveredLastCounter(data), "the recovery fsynced what it found: " + dropped);

        Path second = mount.resolve("second");
        killWhileOpen(second, 20, 5);
        dropped = fs.dropUnsynced();
        assertEquals(20, recoveredLastCounter(second), "a power loss takes the unsynced appends and nothing else: " + dropped);
        try (NodeStorage storage = NodeStorage.open(second)) {
            assertEquals(Zxid.of(1, 2), storage.recover().snapshot().orElseThrow().zxid(), "the snapshot was fsynced and renamed");
        }
    }

    @Test
    void rocksDbReportsAFailedFsyncAsAStorageFailure() {
        Path data = mount.resolve("data");
        try (NodeStorage storage = NodeStorage.open(data)) {
            storage.txnLog().appendDurably(List.of(StorageUntilKilled.entry(1)));
            fs.failFsync(true);
            StorageException failure = assertThrows(StorageException.class,
                    () -> storage.txnLog().appendDurably(List.of(StorageUntilKilled.entry(2))));
            assertTrue(failure.getMessage().contains("Input/output error"), failure.getMessage());
            fs.failFsync(false);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static long recoveredLastCounter(Path data) {
        try (NodeStorage storage = NodeStorage.open(data)) {
            List<LogEntry> entries = storage.recover().entries();
            for (int i = 0; i < entries.size(); i++) {
                assertArrayEquals(StorageUntilKilled.entry(Zxid.counter(entries.get(i).zxid())).payload(), entries.get(i).payload());
            }
            return entries.isEmpty() ? 0 : Zxid.counter(entries.get(entries.size() - 1).zxid());
        }
    }

    /** Runs {@link StorageUntilKilled} in its own JVM until it says "ready" (60 s at most), then kill -9. */
    private static void killWhileOpen(Path data, int durable, int unsynced) throws Exception {
        List<String> command = Launch.java("128m");
        command.addAll(List.of(StorageUntilKilled.class.getName(), data.toString(), String.valueOf(durable), String.valueOf(unsynced)));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder seen = new StringBuilder();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String line;
            while ((line = out.readLine()) != null && !line.equals("ready")) {
                seen.append(line).append('\n');
                assertTrue(System.nanoTime() < deadline, "no \"ready\" within 60 s: " + seen);
            }
            assertEquals("ready", line, "the child ended before it was ready: " + seen);
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(10, TimeUnit.SECONDS), "killed within 10 s");
        }
    }
}
