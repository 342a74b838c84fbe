package io.signalbox.storage;

import io.signalbox.common.Zxid;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit over a {@link TxnLog}: appends wait in a bounded queue while the writer
 * thread's fsync is in flight, and the next round writes all of them and syncs once. So
 * throughput grows with load, while each append's future completes only once its
 * entries are durable; that completion is what the consensus core receives as
 * {@code persisted(zxid)}.
 *
 * <p>Appends may come from several threads; their zxids must increase in the order the
 * calls enter {@link #append}, which is checked on entry (nothing is queued on error). The
 * writer thread belongs to this object and stops in {@link #close()}. After a storage
 * failure every pending and later append fails with it: a log that failed an fsync is
 * not trusted again (the PostgreSQL fsync lesson).
 */
public final class GroupCommitLog implements AutoCloseable {
    /** Totals since start, for the average batch size. */
    public record Stats(long batches, long entries) {
        public double averageBatchEntries() {
            return batches == 0 ? 0 : (double) entries / batches;
        }
    }

    private record Request(List<LogEntry> entries, CompletableFuture<Long> done) {}

    private final TxnLog log;
    private final int queuedEntriesMax;
    private final int batchEntriesMax;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private final Thread writer;
    private int queuedEntries;
    private long lastAcceptedZxid;
    private boolean closed;
    private StorageException failure;
    private long batches;
    private long entriesWritten;

    /**
     * @param queuedEntriesMax entries waiting at most; {@link #append} blocks beyond it
     * @param batchEntriesMax  entries in one write-and-sync round at most
     */
    public GroupCommitLog(TxnLog log, int queuedEntriesMax, int batchEntriesMax) {
        if (queuedEntriesMax < 1 || batchEntriesMax < 1) {
            throw new IllegalArgumentException("queuedEntriesMax and batchEntriesMax must be >= 1, got "
                    + queuedEntriesMax + " and " + batchEntriesMax);
        }
        this.log = log;
        this.queuedEntriesMax = queuedEntriesMax;
        this.batchEntriesMax = batchEntriesMax;
        this.lastAcceptedZxid = log.lastZxid();
        this.writer = new Thread(this::writeLoop, "signalbox-group-commit");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Queues entries for the next synced write. The future completes with the zxid of the
     * last entry once all of them are durable, or exceptionally with the storage failure.
     *
     * @throws IllegalArgumentException if a zxid does not follow the previous append's, naming both
     * @throws StorageException         if the log has failed or is closed
     */
    public CompletableFuture<Long> append(List<LogEntry> entries) {
        if (entries.isEmpty() || entries.size() > queuedEntriesMax) {
            throw new IllegalArgumentException("an append holds 1.." + queuedEntriesMax + " entries, got " + entries.size());
        }
        lock.lock();
        try {
            long previous = lastAcceptedZxid;
            for (LogEntry entry : entries) {
                if (entry.zxid() <= previous) {
                    throw new IllegalArgumentException("append out of order: zxid " + Zxid.format(entry.zxid())
                            + " after " + Zxid.format(previous));
                }
                previous = entry.zxid();
            }
            while (queuedEntries + entries.size() > queuedEntriesMax && !closed && failure == null) {
                notFull.awaitUninterruptibly();
            }
            ensureUsable();
            lastAcceptedZxid = previous;
            Request request = new Request(List.copyOf(entries), new CompletableFuture<>());
            queue.add(request);
            queuedEntries += entries.size();
            notEmpty.signal();
            return request.done();
        } finally {
            lock.unlock();
        }
    }

    public Stats stats() {
        lock.lock();
        try {
            return new Stats(batches, entriesWritten);
        } finally {
            lock.unlock();
        }
    }

    private void writeLoop() {
        while (true) {
            List<Request> round = takeRound();
            if (round == null) {
                return;
            }
            List<LogEntry> entries = new ArrayList<>();
            for (Request request : round) {
                entries.addAll(request.entries());
            }
            try {
                long durable = log.appendDurably(entries);
                lock.lock();
                try {
                    batches++;
                    entriesWritten += entries.size();
                } finally {
                    lock.unlock();
                }
                for (Request request : round) {
                    long last = request.entries().get(request.entries().size() - 1).zxid();
                    request.done().complete(Math.min(durable, last));
                }
            } catch (RuntimeException e) {
                StorageException cause = e instanceof StorageException s ? s
                        : new StorageException("group commit failed: " + e.getMessage(), e);
                failAll(round, cause);
                return;
            }
        }
    }

    /** Waits for work; returns up to batchEntriesMax entries' worth of requests, or null once closed. */
    private List<Request> takeRound() {
        lock.lock();
        try {
            while (queue.isEmpty() && !closed) {
                notEmpty.awaitUninterruptibly();
            }
            if (queue.isEmpty()) {
                return null;
            }
            List<Request> round = new ArrayList<>();
            int count = 0;
            while (!queue.isEmpty() && (round.isEmpty() || count + queue.peek().entries().size() <= batchEntriesMax)) {
                Request request = queue.poll();
                round.add(request);
                count += request.entries().size();
            }
            queuedEntries -= count;
            notFull.signalAll();
            return round;
        } finally {
            lock.unlock();
        }
    }

    private void failAll(List<Request> round, StorageException cause) {
        List<Request> pending = new ArrayList<>(round);
        lock.lock();
        try {
            failure = cause;
            pending.addAll(queue);
            queue.clear();
            queuedEntries = 0;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        for (Request request : pending) {
            request.done().completeExceptionally(cause);
        }
    }

    private void ensureUsable() {
        if (failure != null) {
            throw new StorageException("the log failed earlier and takes no more appends: " + failure.getMessage(), failure);
        }
        if (closed) {
            throw new StorageException("the group-commit log is closed");
        }
    }

    /** Stops taking appends, lets the writer finish what is queued, and joins it. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            writer.join(30_000);
            if (writer.isAlive()) {
                throw new StorageException("the group-commit writer did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while stopping the group-commit writer", e);
        }
    }

    /** True once the writer thread has ended (after {@link #close()} or a storage failure). */
    public boolean writerStopped() {
        return !writer.isAlive();
    }
}
