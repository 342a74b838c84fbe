package io.signalbox.storage;

import io.signalbox.common.Zxid;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Snapshots as files, one per zxid: {@code snapshot-<zxid as 16 hex digits>.snap}. A
 * snapshot is written to a {@code .tmp} file chunk by chunk (each chunk with its own
 * CRC32C), closed with a trailer holding the total length and a CRC32C over all the
 * state, fsynced, atomically renamed, and the directory fsynced: only then is it
 * visible. Leftover {@code .tmp} files are removed when the store opens.
 *
 * <pre>
 * header  : "SBSNAP01" (8 bytes), zxid (8)
 * chunk   : length (4, >= 0), crc32c (4), bytes
 * trailer : -1 (4), total length (8), crc32c of all state (4)
 * </pre>
 */
public final class FileSnapshotStore implements SnapshotStore {
    private static final System.Logger LOG = System.getLogger(FileSnapshotStore.class.getName());
    private static final byte[] MAGIC = "SBSNAP01".getBytes(StandardCharsets.US_ASCII);
    private static final String SUFFIX = ".snap";

    private final Path directory;

    public FileSnapshotStore(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
            try (Stream<Path> files = Files.list(directory)) {
                for (Path leftover : files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()) {
                    Files.delete(leftover);
                    LOG.log(System.Logger.Level.INFO, "removed unfinished snapshot {0}", leftover);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot open snapshot directory " + directory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Writer begin(long zxid) {
        if (zxid < 0) {
            throw new IllegalArgumentException("snapshot zxid must be >= 0, got " + zxid);
        }
        return new FileWriter(zxid);
    }

    @Override
    public Optional<StoredSnapshot> latest() {
        for (long zxid : zxidsNewestFirst()) {
            try {
                return Optional.of(read(zxid));
            } catch (StorageException e) {
                LOG.log(System.Logger.Level.WARNING, "skipping snapshot: {0}", e.getMessage());
            }
        }
        return Optional.empty();
    }

    @Override
    public StoredSnapshot read(long zxid) {
        Path file = fileFor(zxid);
        if (!Files.exists(file)) {
            throw new StorageException("no snapshot at zxid " + Zxid.format(zxid) + " in " + directory);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return new StoredSnapshot(zxid, readVerified(channel, zxid, file));
        } catch (IOException e) {
            throw new StorageException("cannot read snapshot at zxid " + Zxid.format(zxid) + " (" + file + "): " + e.getMessage(), e);
        }
    }

    private static byte[] readVerified(FileChannel channel, long zxid, Path file) throws IOException {
        long size = channel.size();
        if (size > Integer.MAX_VALUE) {
            throw corrupt(zxid, file, "file of " + size + " bytes is too large");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
            // read it all
        }
        buffer.flip();
        if (buffer.remaining() < 16 || !ByteBuffer.wrap(MAGIC).equals(buffer.slice(0, 8))) {
            throw corrupt(zxid, file, "bad header");
        }
        buffer.position(8);
        if (buffer.getLong() != zxid) {
            throw corrupt(zxid, file, "header names another zxid");
        }
        java.io.ByteArrayOutputStream state = new java.io.ByteArrayOutputStream();
        CRC32C whole = new CRC32C();
        int index = 0;
        while (true) {
            if (buffer.remaining() < 4) {
                throw corrupt(zxid, file, "ends before its trailer");
            }
            int length = buffer.getInt();
            if (length == -1) {
                break;
            }
            if (length < 0 || length > CHUNK_BYTES_MAX || buffer.remaining() < 4 + length) {
                throw corrupt(zxid, file, "chunk " + index + " has a bad length " + length);
            }
            int storedCrc = buffer.getInt();
            byte[] chunk = new byte[length];
            buffer.get(chunk);
            CRC32C crc = new CRC32C();
            crc.update(chunk);
            if ((int) crc.getValue() != storedCrc) {
                throw corrupt(zxid, file, "chunk " + index + " fails its crc32c");
            }
            whole.update(chunk);
            state.writeBytes(chunk);
            index++;
        }
        if (buffer.remaining() != 12) {
            throw corrupt(zxid, file, "bad trailer");
        }
        long total = buffer.getLong();
        int wholeCrc = buffer.getInt();
        if (total != state.size() || wholeCrc != (int) whole.getValue()) {
            throw corrupt(zxid, file, "length or crc32c over the whole state does not match");
        }
        return state.toByteArray();
    }

    @Override
    public void deleteOlderThan(long zxid) {
        try {
            for (long older : zxidsNewestFirst()) {
                if (older < zxid) {
                    Files.deleteIfExists(fileFor(older));
                }
            }
            fsyncDirectory();
        } catch (IOException e) {
            throw new StorageException("cannot delete snapshots older than " + Zxid.format(zxid) + ": " + e.getMessage(), e);
        }
    }

    /** The path of the committed snapshot at {@code zxid} (for tools and tests). */
    public Path fileFor(long zxid) {
        return directory.resolve(String.format("snapshot-%016x%s", zxid, SUFFIX));
    }

    private List<Long> zxidsNewestFirst() {
        List<Long> zxids = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith("snapshot-") && name.endsWith(SUFFIX) && name.length() == 9 + 16 + SUFFIX.length()) {
                    zxids.add(Long.parseUnsignedLong(name.substring(9, 25), 16));
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot list snapshot directory " + directory + ": " + e.getMessage(), e);
        }
        zxids.sort(Comparator.reverseOrder());
        return zxids;
    }

    private void fsyncDirectory() throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static StorageException corrupt(long zxid, Path file, String reason) {
        return new StorageException("snapshot at zxid " + Zxid.format(zxid) + " (" + file + ") is corrupt: " + reason);
    }


    private final class FileWriter implements Writer {
        private final long zxid;
        private final Path temporary;
        private final FileChannel channel;
        private final CRC32C whole = new CRC32C();
        private long total;
        private int nextIndex;
        private boolean finished;

        FileWriter(long zxid) {
            this.zxid = zxid;
            this.temporary = directory.resolve(String.format("snapshot-%016x%s.tmp", zxid, SUFFIX));
            try {
                this.channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE);
                writeFully(ByteBuffer.allocate(16).put(MAGIC).putLong(zxid).flip());
            } catch (IOException e) {
                throw new StorageException("cannot start snapshot at zxid " + Zxid.format(zxid) + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void write(int index, byte[] chunk) {
            ensureActive();
            if (index != nextIndex) {
                throw new IllegalArgumentException("snapshot chunk " + index + " for zxid " + Zxid.format(zxid)
                        + " is out of sequence; expected chunk " + nextIndex);
            }
            if (chunk.length > CHUNK_BYTES_MAX) {
                throw new IllegalArgumentException("snapshot chunk of " + chunk.length + " bytes exceeds the limit of " + CHUNK_BYTES_MAX);
            }
            CRC32C crc = new CRC32C();
            crc.update(chunk);
            try {
                writeFully(ByteBuffer.allocate(8 + chunk.length).putInt(chunk.length).putInt((int) crc.getValue()).put(chunk).flip());
            } catch (IOException e) {
                abort();
                throw new StorageException("cannot write snapshot chunk " + index + " at zxid " + Zxid.format(zxid) + ": " + e.getMessage(), e);
            }
            whole.update(chunk);
            total += chunk.length;
            nextIndex++;
        }

        @Override
        public void commit() {
            ensureActive();
            finished = true;
            try {
                writeFully(ByteBuffer.allocate(16).putInt(-1).putLong(total).putInt((int) whole.getValue()).flip());
                channel.force(true);
                channel.close();
                Files.move(temporary, fileFor(zxid), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                fsyncDirectory();
            } catch (IOException e) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // the open of the next store removes it
                }
                throw new StorageException("cannot commit snapshot at zxid " + Zxid.format(zxid) + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void abort() {
            if (finished) {
                return;
            }
            finished = true;
            try {
                channel.close();
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot remove unfinished snapshot {0}: {1}", temporary, e.getMessage());
            }
        }

        private void ensureActive() {
            if (finished) {
                throw new IllegalStateException("snapshot writer for zxid " + Zxid.format(zxid) + " already finished");
            }
        }

        private void writeFully(ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }
}
