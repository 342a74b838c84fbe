package io.signalbox.server.node;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.signalbox.protocol.wire.NettyTransport;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns a node's consensus core and state machine: a single-thread Netty
 * event loop ({@link #group()}), on which the node's peer and client connections are
 * registered too, so a message is read, stepped through the node and answered without
 * changing thread (a thread hand-off costs more than the step on a busy machine). Other
 * threads (the storage writer, the admin port) only hand it tasks. Tasks from clients and peers are bounded by {@code externalQueuedMax}
 * and refused beyond it; internal completions (a log write became durable) are bounded by the
 * work that produced them and never refused. Tasks run in the order offered, in rounds of at
 * most {@value #TASKS_PER_ROUND_MAX}; after each round the handler flushes what it wrote, and
 * Netty reads the sockets again. Ticks come every {@code tickMs}.
 */
final class NodeLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLoop.class);
    /** Tasks run before the loop lets Netty read its sockets again. */
    private static final int TASKS_PER_ROUND_MAX = 1_000;
    /** After a pause longer than this many ticks (GC, a stopped process), ticks restart from now, not replayed. */
    private static final int MISSED_TICKS_REPLAYED_MAX = 10;

    interface Handler {
        void tick();

        /** After a round of tasks: flush what they produced (peer and client writes). */
        void roundDone();

        /** The loop ends; runs on the loop's thread. */
        void stopped();
    }

    private final String name;
    private final EventLoopGroup group;
    private final EventLoop executor;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean roundScheduled = new AtomicBoolean();
    private final AtomicInteger externalQueued = new AtomicInteger();
    private final int externalQueuedMax;
    private final long tickNanos;
    private final CountDownLatch ended = new CountDownLatch(1);
    private long nextTick;
    private volatile Handler handler;
    private volatile boolean stopping;
    private volatile Throwable failure;

    NodeLoop(String name, int tickMs, int externalQueuedMax) {
        this.name = name;
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(tickMs);
        this.externalQueuedMax = externalQueuedMax;
        this.group = NettyTransport.group(1, runnable -> {
            Thread loopThread = new Thread(runnable, name);
            loopThread.setDaemon(true); // its owner stops it (close, shutdown); a daemon does not keep a failed start's JVM up
            return loopThread;
        });
        this.executor = group.next();
        Thread[] loopThread = new Thread[1];
        executor.submit(() -> loopThread[0] = Thread.currentThread()).syncUninterruptibly();
        this.thread = loopThread[0];
    }

    /** The loop's own event loop, for channels whose reads and writes should not change thread (peer and client connections). */
    EventLoopGroup group() {
        return group;
    }

    void start(Handler loopHandler) {
        this.handler = loopHandler;
        executor.execute(() -> {
            nextTick = System.nanoTime() + tickNanos;
            scheduleTick();
        });
        scheduleRound();
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
        scheduleRound();
        return true;
    }

    /** A completion the loop must not lose. */
    void offerInternal(Runnable task) {
        tasks.add(task);
        scheduleRound();
    }

    Throwable failure() {
        return failure;
    }

    /** One round per burst of offers: Netty runs it after the reads of its current pass, which batches them. */
    private void scheduleRound() {
        if (handler != null && !stopping && roundScheduled.compareAndSet(false, true)) { // none before start()
            executor.execute(this::round);
        }
    }

    private void round() {
        roundScheduled.set(false);
        if (stopping) {
            return;
        }
        try {
            int ran = 0;
            Runnable task;
            while (ran < TASKS_PER_ROUND_MAX && (task = tasks.poll()) != null) {
                task.run();
                ran++;
            }
            handler.roundDone();
        } catch (Throwable t) {
            fail(t);
            return;
        }
        if (!tasks.isEmpty()) {
            scheduleRound();
        }
    }

    private void scheduleTick() {
        long wait = nextTick - System.nanoTime();
        executor.schedule(this::tick, Math.max(0, wait), TimeUnit.NANOSECONDS);
    }

    private void tick() {
        if (stopping) {
            return;
        }
        try {
            handler.tick();
            handler.roundDone();
        } catch (Throwable t) {
            fail(t);
            return;
        }
        nextTick += tickNanos;
        if (System.nanoTime() - nextTick > MISSED_TICKS_REPLAYED_MAX * tickNanos) {
            nextTick = System.nanoTime() + tickNanos;
        }
        scheduleTick();
    }

    private void fail(Throwable t) {
        failure = t;
        LOG.error("node loop {} failed; the node stops", name, t);
        end();
    }

    /** Loop thread: no task runs after this one; the handler hears it once. */
    private void end() {
        if (ended.getCount() == 0) {
            return;
        }
        stopping = true;
        try {
            if (handler != null) {
                handler.stopped();
            }
        } catch (RuntimeException e) {
            LOG.warn("while stopping {}: {}", name, e.toString());
        } finally {
            ended.countDown();
        }
    }

    /**
     * Stops the loop after the current task and waits for it. The event loop itself keeps
     * running, for the channels on it to be closed; {@link #shutdown()} ends it.
     */
    @Override
    public void close() {
        stopping = true;
        if (inLoop()) {
            end();
            return;
        }
        try {
            executor.execute(this::end);
            if (!ended.await(30, TimeUnit.SECONDS)) {
                LOG.warn("node loop {} did not stop within 30 s", name);
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            ended.countDown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the event loop's thread, once the channels on it are closed. */
    void shutdown() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** False once the loop stopped or failed. */
    boolean alive() {
        return !stopping && ended.getCount() > 0;
    }
}
