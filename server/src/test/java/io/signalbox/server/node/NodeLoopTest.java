package io.signalbox.server.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NodeLoopTest {
    /** Counts what the loop tells its handler; the ticks and rounds it sees. */
    private static final class Recorder implements NodeLoop.Handler {
        final CountDownLatch ticked = new CountDownLatch(3);
        final AtomicInteger rounds = new AtomicInteger();
        final AtomicInteger stopped = new AtomicInteger();

        @Override
        public void tick() {
            ticked.countDown();
        }

        @Override
        public void roundDone() {
            rounds.incrementAndGet();
        }

        @Override
        public void stopped() {
            stopped.incrementAndGet();
        }
    }

    @Test
    void tasksRunInTheOrderOfferedOnTheLoopThreadAndTicksCome() throws Exception {
        NodeLoop loop = new NodeLoop("test-loop", 1, 1_000);
        Recorder handler = new Recorder();
        List<Integer> ran = new ArrayList<>();
        List<Boolean> onLoop = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < 500; i++) {
            int n = i;
            assertTrue(i % 2 == 0 ? loop.offerExternal(() -> ran.add(n)) : offerInternal(loop, () -> ran.add(n)));
        }
        loop.start(handler);
        loop.offerInternal(() -> {
            onLoop.add(loop.inLoop());
            done.countDown();
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertTrue(handler.ticked.await(10, TimeUnit.SECONDS), "ticks every tickMs");
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            expected.add(i);
        }
        assertEquals(expected, ran, "offered before the start, run in order after it");
        assertEquals(List.of(true), onLoop);
        assertFalse(loop.inLoop());
        assertTrue(handler.rounds.get() >= 1, "a round ends with the handler's flush");
        loop.close();
        loop.shutdown();
        assertEquals(1, handler.stopped.get());
        assertFalse(loop.alive());
    }

    private static boolean offerInternal(NodeLoop loop, Runnable task) {
        loop.offerInternal(task);
        return true;
    }

    @Test
    void externalTasksBeyondTheLimitAreRefusedAndInternalOnesNever() throws Exception {
        NodeLoop loop = new NodeLoop("test-loop", 1_000, 3);
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            assertTrue(loop.offerExternal(ran::incrementAndGet));
        }
        assertFalse(loop.offerExternal(ran::incrementAndGet), "the fourth external task finds the queue full");
        loop.offerInternal(ran::incrementAndGet);
        CountDownLatch done = new CountDownLatch(1);
        loop.offerInternal(done::countDown);
        loop.start(new Recorder());
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(4, ran.get());
        assertTrue(loop.offerExternal(ran::incrementAndGet), "room again once they ran");
        loop.close();
        assertFalse(loop.offerExternal(ran::incrementAndGet), "nothing is taken once stopping");
        loop.shutdown();
    }

    @Test
    void aTaskThatThrowsStopsTheLoopAndTheHandlerHearsItOnce() throws Exception {
        NodeLoop loop = new NodeLoop("test-loop", 1_000, 10);
        Recorder handler = new Recorder();
        loop.start(handler);
        AtomicInteger after = new AtomicInteger();
        loop.offerInternal(() -> {
            throw new IllegalStateException("a bug in a step");
        });
        loop.offerInternal(after::incrementAndGet);
        CountDownLatch probe = new CountDownLatch(1);
        // The failure is seen by the owner through alive(); wait for it on the loop's own thread order.
        loop.group().next().execute(probe::countDown);
        assertTrue(probe.await(10, TimeUnit.SECONDS));
        assertFalse(loop.alive());
        assertEquals("a bug in a step", loop.failure().getMessage());
        assertEquals(0, after.get(), "no task runs after the one that failed");
        loop.close();
        loop.shutdown();
        assertEquals(1, handler.stopped.get());
    }
}
