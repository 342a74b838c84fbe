package io.signalbox.proxysync;

import io.signalbox.state.Limits;
import io.signalbox.state.LbStateMachine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A sync agent's state directory: its view of the configuration (a state snapshot at the
 * zxid it resumes the stream from), the zxid its proxy last ran completely, and whatever
 * its driver keeps there. One agent per directory, enforced by a lock held while it runs.
 * Every file is replaced atomically (write, fsync, rename, fsync the directory), so a crash
 * leaves either the old file or the new one.
 */
public final class AgentStateDir implements AutoCloseable {
    static final String VIEW_FILE = "view.pb";
    static final String APPLIED_FILE = "applied-zxid";

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private AgentStateDir(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Creates the directory if needed and locks it; throws when another agent holds it. */
    public static AgentStateDir open(Path dir) {
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(dir.resolve("agent.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null; // held by this JVM
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("another sync agent is using the state directory " + dir);
            }
            return new AgentStateDir(dir.toAbsolutePath(), channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the state directory " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return dir;
    }

    /** The saved view, or a fresh empty one on first start. */
    LbStateMachine loadView() {
        Path file = dir.resolve(VIEW_FILE);
        if (!Files.exists(file)) {
            return new LbStateMachine(Limits.DEFAULTS, 2);
        }
        try {
            return LbStateMachine.restore(Files.readAllBytes(file), Limits.DEFAULTS, 2);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    void saveView(byte[] snapshot) {
        writeAtomically(dir.resolve(VIEW_FILE), snapshot);
    }

    /** The zxid the proxy last ran completely; 0 when never. */
    long appliedZxid() {
        Path file = dir.resolve(APPLIED_FILE);
        try {
            return Files.exists(file) ? Long.parseUnsignedLong(Files.readString(file).strip(), 16) : 0;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read " + file + " (a hexadecimal zxid): " + e.getMessage(), e);
        }
    }

    void saveAppliedZxid(long zxid) {
        writeAtomically(dir.resolve(APPLIED_FILE), (Long.toHexString(zxid) + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** Replaces {@code file} with {@code bytes} so that a crash leaves the old content or the new, never a mix. */
    public static void writeAtomically(Path file, byte[] bytes) {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel directory = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
                directory.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // the lock goes with the process anyway
        }
    }
}
