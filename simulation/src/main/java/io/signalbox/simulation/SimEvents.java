package io.signalbox.simulation;

import java.util.PriorityQueue;

/**
 * The simulated clock and its agenda: events in time order, ties broken by the order they
 * were scheduled, so one seed is always one run.
 */
final class SimEvents {
    enum Kind { TICK, MESSAGE, DISK_DONE, DISK_REPORT, CLIENT, CLIENT_ANSWER, CLIENT_TIMEOUT, CLIENT_RETRY, DELIVER_REQUEST, SUBSCRIBE,
        PARTITION, HEAL_PARTITION, CRASH, RESTART, PAUSE, RESUME }

    /** For client events, {@code node} is the client's index and {@code payload} the answer or the attempt's request id. */
    record Event(long time, long sequence, Kind kind, int node, int from, int incarnation, Object payload) {}

    /** Events waiting at most: a run that schedules more is runaway (a message storm), not a workload. */
    static final int QUEUED_EVENTS_MAX = 5_000_000;

    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.time() != b.time()
            ? Long.compare(a.time(), b.time()) : Long.compare(a.sequence(), b.sequence()));
    private long sequence;
    private long now;

    long now() {
        return now;
    }

    void schedule(long time, Kind kind, int node, int from, int incarnation, Object payload) {
        if (!(time >= now)) {
            throw new IllegalArgumentException(kind + " scheduled at " + time + ", before now " + now);
        }
        if (queue.size() >= QUEUED_EVENTS_MAX) {
            throw new Violation("simulator-limit", QUEUED_EVENTS_MAX + " events waiting at " + now + "; the run is a message storm");
        }
        queue.add(new Event(time, sequence++, kind, node, from, incarnation, payload));
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** The next event; the clock moves to its time. */
    Event next() {
        Event event = queue.poll();
        now = event.time();
        return event;
    }
}
