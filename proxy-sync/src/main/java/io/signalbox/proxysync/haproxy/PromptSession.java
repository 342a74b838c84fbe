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

/**
 * One interactive connection to HAProxy's admin socket ({@code prompt} mode), so a burst of
 * commands costs one connection: each command is one line, and its reply ends where HAProxy
 * prints its prompt ({@code "\n> "}). Not thread-safe; one owner closes it.
 */
final class PromptSession implements AutoCloseable {
    private static final int PROMPT = '\n' << 16 | '>' << 8 | ' ';
    private static final int PROMPT_BYTES = 3;

    private final SocketChannel channel;
    private final Selector selector;
    private final Path socket;
    private final ByteArrayOutputStream reply = new ByteArrayOutputStream();
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    /** The last three bytes read, to spot the prompt without copying the reply. */
    private int tail;

    PromptSession(Path socket) throws IOException {
        this.socket = socket;
        this.channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        try {
            channel.configureBlocking(false);
            this.selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            exchange("prompt");
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Sends one command line and returns its reply, without the prompt and the blank line before it. */
    String send(String command) throws IOException {
        if (command.indexOf('\n') >= 0 || command.indexOf(';') >= 0) {
            throw new IllegalArgumentException("a command is one line without ';': " + command);
        }
        String text = exchange(command);
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    private String exchange(String command) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            channel.write(out); // a command line is far smaller than the socket buffer
        }
        reply.reset();
        tail = 0;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CommandSocket.REPLY_TIMEOUT_MS);
        while (!endsWithPrompt()) {
            int read = channel.read(buffer);
            if (read < 0) {
                throw new IOException(socket + " closed the session during \"" + command + "\"");
            }
            if (read == 0) {
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMs <= 0) {
                    throw new IOException("no complete reply to \"" + command + "\" within " + CommandSocket.REPLY_TIMEOUT_MS + " ms");
                }
                selector.select(leftMs);
                selector.selectedKeys().clear();
                continue;
            }
            buffer.flip();
            reply.write(buffer.array(), 0, buffer.limit());
            for (int i = Math.max(0, buffer.limit() - 3); i < buffer.limit(); i++) {
                tail = (tail << 8 | (buffer.get(i) & 0xff)) & 0xffffff;
            }
            buffer.clear();
            if (reply.size() > CommandSocket.REPLY_BYTES_MAX) {
                throw new IOException("a reply of more than " + CommandSocket.REPLY_BYTES_MAX + " bytes to \"" + command + "\"");
            }
        }
        byte[] bytes = reply.toByteArray();
        int end = Math.max(0, bytes.length - PROMPT_BYTES); // the very first prompt may come without its newline
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** True once the last bytes read are the prompt: "\n> ", or "> " alone as the whole first reply. */
    private boolean endsWithPrompt() {
        return (tail & 0xffffff) == PROMPT || reply.size() == 2 && (tail & 0xffff) == ('>' << 8 | ' ');
    }

    @Override
    public void close() {
        try {
            selector.close();
            channel.close();
        } catch (IOException e) {
            // closing; nothing left to do with the socket
        }
    }
}
