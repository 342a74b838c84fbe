package io.signalbox.server.node;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns a node's consensus core and state machine. Other threads
 * (Netty, group commit, timers) only hand it tasks. Tasks from clients and peers are
 * bounded by {@code externalQueuedMax} and refused beyond it; internal completions (a log
 * write became durable) are bounded by the work that produced them and never refused.
 * Ticks come from the loop itself every {@code tickMs}.
 */
final class NodeLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLoop.class);
    /** Tasks run before the loop checks the clock again. */
    private static final int TASKS_PER_ROUND_MAX = 1_000;

    interface Handler {
        void tick();

        /** After a round of tasks: flush what they produced (peer writes). */
        void roundDone();

        /** The loop ends; runs on the loop's thread. */
        void stopped();
    }

    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final AtomicInteger externalQueued = new AtomicInteger();
    private final int externalQueuedMax;
    private final long tickNanos;
    private final Thread thread;
    private volatile Handler handler;
    private volatile boolean stopping;
    private volatile Throwable failure;

    NodeLoop(String name, int tickMs, int externalQueuedMax) {
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(tickMs);
        this.externalQueuedMax = externalQueuedMax;
        this.thread = new Thread(this::run, name);
    }

    void start(Handler loopHandler) {
        this.handler = loopHandler;
        thread.start();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** A task from a client or peer; false (nothing queued) when the loop is full or stopping. */
    boolean offerExternal(Runnable task) {
        if (stopping || externalQueued.incrementAndGet() > externalQueuedMax) {
            externalQueued.decrementAndGet();
            return false;
        }
        tasks.add(() -> {
            externalQueued.decrementAndGet();
            task.run();
        });
        return true;
    }

    /** A completion the loop must not lose. */
    void offerInternal(Runnable task) {
        tasks.add(task);
    }

    Throwable failure() {
        return failure;
    }

    private void run() {
        long nextTick = System.nanoTime() + tickNanos;
        try {
            while (!stopping) {
                long wait = nextTick - System.nanoTime();
                Runnable task = wait > 0 ? tasks.poll(wait, TimeUnit.NANOSECONDS) : tasks.poll();
                int ran = 0;
                while (task != null) {
                    task.run();
                    if (++ran >= TASKS_PER_ROUND_MAX) {
                        break;
                    }
                    task = tasks.poll();
                }
                if (System.nanoTime() - nextTick >= 0) {
                    handler.tick();
                    nextTick += tickNanos;
                    if (System.nanoTime() - nextTick > 10 * tickNanos) {
                        nextTick = System.nanoTime() + tickNanos; // after a long pause, do not replay missed ticks
                    }
                }
                handler.roundDone();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
            LOG.error("node loop {} failed; the node stops", thread.getName(), t);
        } finally {
            try {
                handler.stopped();
            } catch (RuntimeException e) {
                LOG.warn("while stopping {}: {}", thread.getName(), e.toString());
            }
        }
    }

    /** Stops the loop after the current task and waits for it. */
    @Override
    public void close() {
        stopping = true;
        tasks.add(() -> { });
        if (Thread.currentThread() != thread) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean alive() {
        return thread.isAlive();
    }
}
