package io.signalbox.chaos;

import io.signalbox.common.Json;
import io.signalbox.simulation.history.Op;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A chaos run's history, in memory for the checkers and as JSON lines in {@code history.jsonl}
 * (format in docs/testing.md): one line per completed operation, and one per nemesis event.
 * Times are nanoseconds from the run's start. Thread-safe; bounded by {@link #OPS_MAX}.
 */
final class ChaosHistory implements AutoCloseable {
    static final int OPS_MAX = 2_000_000;

    /** An operation and how it read (LOCAL or LINEARIZABLE; empty for writes). */
    record Entry(Op op, String consistency) {}

    private final long startNanos = System.nanoTime();
    private final AtomicLong ids = new AtomicLong();
    private final List<Entry> entries = new ArrayList<>();
    private final List<String> nemesisEvents = new ArrayList<>();
    private final BufferedWriter out;

    ChaosHistory(Path file) {
        try {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long now() {
        return System.nanoTime() - startNanos;
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    synchronized void record(Op op, String consistency) {
        if (entries.size() >= OPS_MAX) {
            throw new IllegalStateException("the history reached " + OPS_MAX + " operations");
        }
        entries.add(new Entry(op, consistency));
        write("{\"id\":" + op.id() + ",\"process\":" + op.process() + ",\"key\":" + Json.quote(op.key()) + ",\"f\":"
                + Json.quote(op.kind().name().toLowerCase(java.util.Locale.ROOT)) + ",\"outcome\":"
                + Json.quote(op.outcome().name().toLowerCase(java.util.Locale.ROOT)) + ",\"value\":" + op.value() + ",\"expected\":"
                + op.expected() + ",\"version\":" + op.version() + ",\"consistency\":" + Json.quote(consistency) + ",\"invokeNs\":"
                + op.invokeNanos() + ",\"completeNs\":" + (op.completeNanos() == Long.MAX_VALUE ? -1 : op.completeNanos()) + "}");
    }

    synchronized void nemesis(String event) {
        nemesisEvents.add(event);
        write("{\"nemesis\":" + Json.quote(event) + ",\"atNs\":" + now() + "}");
    }

    synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    synchronized List<String> nemesisEvents() {
        return List.copyOf(nemesisEvents);
    }

    private void write(String line) {
        try {
            out.write(line);
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything recorded so far is in the file. */
    synchronized void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
