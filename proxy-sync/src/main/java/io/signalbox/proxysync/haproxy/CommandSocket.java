package io.signalbox.proxysync.haproxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** One command line to one of HAProxy's UNIX sockets, and its whole reply (bounded). */
final class CommandSocket {
    /** Largest reply read, so a confused peer cannot make the agent allocate without bound. */
    static final int REPLY_BYTES_MAX = 16 << 20;
    /** A reply not complete within this is an error: HAProxy answers in well under a millisecond. */
    static final int REPLY_TIMEOUT_MS = 5_000;

    private CommandSocket() {}

    static String send(Path socket, String command) throws IOException {
        if (command.indexOf('\n') >= 0 || command.indexOf(';') >= 0) {
            throw new IllegalArgumentException("a command is one line without ';': " + command);
        }
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.shutdownOutput(); // the master CLI answers and closes only once the client has finished
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            channel.configureBlocking(false);
            try (Selector selector = Selector.open()) {
                channel.register(selector, SelectionKey.OP_READ);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REPLY_TIMEOUT_MS);
                while (true) {
                    int read = channel.read(buffer);
                    if (read < 0) {
                        break;
                    }
                    if (read == 0) {
                        long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                        if (leftMs <= 0) {
                            throw new IOException("no complete reply to \"" + command + "\" within " + REPLY_TIMEOUT_MS + " ms");
                        }
                        selector.select(leftMs);
                        selector.selectedKeys().clear();
                        continue;
                    }
                    buffer.flip();
                    reply.write(buffer.array(), 0, buffer.limit());
                    buffer.clear();
                    if (reply.size() > REPLY_BYTES_MAX) {
                        throw new IOException("a reply of more than " + REPLY_BYTES_MAX + " bytes to \"" + command + "\"");
                    }
                }
            }
            return reply.toString(StandardCharsets.UTF_8);
        }
    }
}
