package io.signalbox.proxysync;

import io.signalbox.testkit.HttpBackends;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A client sending GET / through a proxy, one request after another on new connections, while a
 * test changes things; every answer that is not one of the expected backends' names is a failure.
 * Bounded: at most {@link #REQUESTS_MAX} requests and {@link #SECONDS_MAX} seconds.
 */
final class TrafficStream implements AutoCloseable {
    static final int REQUESTS_MAX = 50_000;
    static final int SECONDS_MAX = 180;

    private final int port;
    private final Set<String> expected;
    private final Thread thread;
    private final List<String> failures = new ArrayList<>();
    private volatile boolean stopped;
    private int sent;

    private TrafficStream(int port, Set<String> expected) {
        this.port = port;
        this.expected = Set.copyOf(expected);
        this.thread = new Thread(this::run, "traffic-" + port);
    }

    /** Starts sending to 127.0.0.1:port; any of {@code expected} is a good answer. */
    static TrafficStream start(int port, String... expected) {
        TrafficStream stream = new TrafficStream(port, Set.of(expected));
        stream.thread.start();
        return stream;
    }

    private void run() {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS_MAX);
        while (!stopped && System.nanoTime() < end) {
            String answer = HttpBackends.get(port);
            synchronized (this) {
                if (sent >= REQUESTS_MAX) {
                    return;
                }
                sent++;
                if (!expected.contains(answer) && failures.size() < 20) {
                    failures.add(answer);
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // about 1,000 requests/s at most: the machine is shared
        }
    }

    synchronized int sent() {
        return sent;
    }

    /** Stops the client; then {@link #failures} and {@link #sent} are final. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(10_000);
    }

    /** Up to 20 answers that were not an expected backend. */
    synchronized List<String> failures() {
        return List.copyOf(failures);
    }
}
