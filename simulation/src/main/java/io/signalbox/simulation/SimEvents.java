package io.signalbox.simulation;

import java.util.Arrays;

/**
 * The simulated clock and its agenda: events in time order, ties broken by the order they
 * were scheduled, so one seed is always one run. A binary heap over parallel arrays of
 * times and sequence numbers: every event of a run passes through it, and comparing two
 * longs in an array beats a comparator over records (a third of a run's time went here).
 */
final class SimEvents {
    enum Kind { TICK, MESSAGE, DISK_DONE, DISK_REPORT, CLIENT, CLIENT_ANSWER, CLIENT_TIMEOUT, CLIENT_RETRY, DELIVER_REQUEST, SUBSCRIBE,
        PARTITION, HEAL_PARTITION, CRASH, RESTART, PAUSE, RESUME, MEMBERSHIP, RETIRE, PROMOTE }

    /** For client events, {@code node} is the client's index and {@code payload} the answer or the attempt's request id. */
    record Event(long time, long sequence, Kind kind, int node, int from, int incarnation, Object payload) {}

    /** Events waiting at most: a run that schedules more is runaway (a message storm), not a workload. */
    static final int QUEUED_EVENTS_MAX = 5_000_000;

    private static final int INITIAL_CAPACITY = 1_024;

    private long[] times = new long[INITIAL_CAPACITY];
    private long[] sequences = new long[INITIAL_CAPACITY];
    private Event[] heap = new Event[INITIAL_CAPACITY];
    private int size;
    private long sequence;
    private long now;

    long now() {
        return now;
    }

    void schedule(long time, Kind kind, int node, int from, int incarnation, Object payload) {
        if (!(time >= now)) {
            throw new IllegalArgumentException(kind + " scheduled at " + time + ", before now " + now);
        }
        if (size >= QUEUED_EVENTS_MAX) {
            throw new Violation("simulator-limit", QUEUED_EVENTS_MAX + " events waiting at " + now + "; the run is a message storm");
        }
        if (size == heap.length) {
            int capacity = Math.min(QUEUED_EVENTS_MAX, 2 * heap.length);
            times = Arrays.copyOf(times, capacity);
            sequences = Arrays.copyOf(sequences, capacity);
            heap = Arrays.copyOf(heap, capacity);
        }
        long order = sequence++;
        int hole = size++;
        while (hole > 0) {
            int parent = (hole - 1) >>> 1;
            if (!before(time, order, parent)) {
                break;
            }
            move(parent, hole);
            hole = parent;
        }
        put(hole, time, order, new Event(time, order, kind, node, from, incarnation, payload));
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The next event; the clock moves to its time. */
    Event next() {
        if (size == 0) {
            throw new IllegalStateException("no events waiting");
        }
        Event first = heap[0];
        int last = --size;
        long lastTime = times[last];
        long lastSequence = sequences[last];
        Event lastEvent = heap[last];
        heap[last] = null;
        if (last > 0) {
            int hole = 0;
            while (true) {
                int child = 2 * hole + 1;
                if (child >= last) {
                    break;
                }
                if (child + 1 < last && before(times[child + 1], sequences[child + 1], child)) {
                    child++;
                }
                if (!before(times[child], sequences[child], lastTime, lastSequence)) {
                    break;
                }
                move(child, hole);
                hole = child;
            }
            put(hole, lastTime, lastSequence, lastEvent);
        }
        now = first.time();
        return first;
    }

    /** Does (time, order) come before the event at {@code index}? */
    private boolean before(long time, long order, int index) {
        return before(time, order, times[index], sequences[index]);
    }

    private static boolean before(long time, long order, long otherTime, long otherOrder) {
        return time < otherTime || (time == otherTime && order < otherOrder);
    }

    private void move(int from, int to) {
        put(to, times[from], sequences[from], heap[from]);
    }

    private void put(int index, long time, long order, Event event) {
        times[index] = time;
        sequences[index] = order;
        heap[index] = event;
    }
}
