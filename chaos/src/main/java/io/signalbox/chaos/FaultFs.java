package io.signalbox.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One fault filesystem mount: {@code faultfs.py} (a python3-fusepy passthrough shipped in this
 * module's resources; its header documents the semantics) serving {@code backing} at
 * {@code mountpoint}, driven through a unix socket. It remembers what every file held at its
 * last fsync, so {@link #dropUnsynced()} is a power loss; it can also fail writes or fsyncs with
 * EIO and refuse writes with ENOSPC. The FUSE process is owned by this object: {@link #close()}
 * unmounts it and waits for it to end, killing it and lazily unmounting when it does not.
 */
final class FaultFs implements AutoCloseable {
    static final String FSNAME = "signalbox-faultfs";
    private static final String PYTHON = "/usr/bin/python3"; // Debian's, where python3-fusepy installs
    private static final int REPLY_BYTES_MAX = 4_096;
    private static final long COMMAND_TIMEOUT_MS = 10_000;

    private final Path mountpoint;
    private final Path control;
    private final Path log;
    private final Process process;
    private boolean closed;

    private FaultFs(Path mountpoint, Path control, Path log, Process process) {
        this.mountpoint = mountpoint;
        this.control = control;
        this.log = log;
        this.process = process;
    }

    /** Copies the script out of this module's resources into {@code directory}; returns its path. */
    static Path extractScript(Path directory) throws IOException {
        Path script = directory.resolve("faultfs.py");
        try (InputStream in = FaultFs.class.getResourceAsStream("faultfs.py")) {
            if (in == null) {
                throw new IOException("faultfs.py is missing from the chaos module's resources");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        return script;
    }

    /**
     * Mounts {@code backing} (created if missing) at {@code mountpoint} (likewise) and waits, at most
     * 10 s, until the mount and its control socket answer; the FUSE log goes to {@code log}.
     *
     * @throws IOException with the log's last lines when it does not come up (no /dev/fuse, no python3-fusepy)
     */
    static FaultFs mount(Path script, Path backing, Path mountpoint, Path control, Path log) throws IOException, InterruptedException {
        Files.createDirectories(backing);
        Files.createDirectories(mountpoint);
        Files.deleteIfExists(control);
        Process process = new ProcessBuilder(PYTHON, script.toString(), backing.toString(), mountpoint.toString(), control.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        FaultFs fs = new FaultFs(mountpoint, control, log, process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(mounted(mountpoint) && Files.exists(control))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                fs.close();
                throw new IOException("faultfs did not mount " + mountpoint + " within 10 s (needs root, /dev/fuse, fuse3 and "
                        + "python3-fusepy: apt-get install fuse3 python3-fusepy); its log " + log + " ends: " + tail(log));
            }
            Thread.sleep(20);
        }
        fs.status();
        return fs;
    }

    Path mountpoint() {
        return mountpoint;
    }

    /** Power loss: every file goes back to what it held at its last fsync; returns what was dropped. */
    String dropUnsynced() throws IOException {
        return command("drop-unsynced");
    }

    void failWrites(boolean on) throws IOException {
        command("fail-writes " + (on ? "on" : "off"));
    }

    void failFsync(boolean on) throws IOException {
        command("fail-fsync " + (on ? "on" : "off"));
    }

    void full(boolean on) throws IOException {
        command("full " + (on ? "on" : "off"));
    }

    /** The counters: unsynced files, fsyncs, fsyncs failed, writes failed, writes refused full, drops. */
    String status() throws IOException {
        return command("status");
    }

    /** Fsyncs that failed so far, from {@link #status()}. */
    long fsyncsFailed() throws IOException {
        return counter(status(), "fsyncs failed");
    }

    static long counter(String status, String name) {
        for (String part : status.split(";")) {
            String p = part.strip();
            if (p.startsWith(name + " ")) {
                return Long.parseLong(p.substring(name.length() + 1).strip());
            }
        }
        throw new IllegalArgumentException("no counter \"" + name + "\" in faultfs status \"" + status + "\"");
    }

    /** One command line, one reply line (its text after "ok "), at most 10 s. */
    private String command(String line) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
             Selector selector = Selector.open()) {
            channel.connect(UnixDomainSocketAddress.of(control));
            channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            ByteBuffer reply = ByteBuffer.allocate(REPLY_BYTES_MAX);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(COMMAND_TIMEOUT_MS);
            while (reply.position() == 0 || reply.get(reply.position() - 1) != '\n') {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !reply.hasRemaining()) {
                    throw new IOException("faultfs at " + mountpoint + " gave no whole reply to \"" + line + "\" within "
                            + COMMAND_TIMEOUT_MS + " ms");
                }
                selector.select(left);
                selector.selectedKeys().clear();
                if (channel.read(reply) < 0) {
                    throw new IOException("faultfs at " + mountpoint + " closed the control socket on \"" + line + "\"");
                }
            }
            String text = new String(reply.array(), 0, reply.position() - 1, StandardCharsets.UTF_8);
            if (!text.startsWith("ok")) {
                throw new IllegalStateException("faultfs at " + mountpoint + " refused \"" + line + "\": " + text);
            }
            return text.substring(2).strip();
        }
    }

    static boolean mounted(Path mountpoint) {
        return mountsOfFaultFs().contains(mountpoint.toAbsolutePath().normalize().toString());
    }

    /** The mountpoints of every faultfs mount on this machine, from /proc/mounts. */
    static List<String> mountsOfFaultFs() {
        List<String> points = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
                String[] fields = line.split(" ");
                if (fields.length > 2 && fields[0].equals(FSNAME)) {
                    points.add(fields[1].replace("\\040", " "));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/mounts: " + e.getMessage(), e);
        }
        return points;
    }

    /** Lazily unmounts faultfs mounts a killed run left behind (their FUSE processes then end). */
    static void unmountLeftovers() {
        for (String point : mountsOfFaultFs()) {
            umount("-l", point);
        }
    }

    private static boolean umount(String... arguments) {
        List<String> command = new ArrayList<>(List.of("umount"));
        command.addAll(List.of(arguments));
        try {
            Process umount = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return umount.waitFor(10, TimeUnit.SECONDS) && umount.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return lines.isEmpty() ? "(empty)" : String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Unmounts (the process using it must be gone, or the unmount is lazy) and waits at most 10 s for the FUSE process. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        String point = mountpoint.toAbsolutePath().normalize().toString();
        if (mounted(mountpoint) && !umount(point)) {
            umount("-l", point);
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (mounted(mountpoint)) {
            umount("-l", point);
        }
    }

    @Override
    public String toString() {
        return "faultfs at " + mountpoint + " (log " + log + ")";
    }
}
