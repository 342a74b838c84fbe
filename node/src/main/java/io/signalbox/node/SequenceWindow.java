package io.signalbox.node;

import java.util.Arrays;

/**
 * One client's applied commands, ascending by sequence, each with the zxid and the session it
 * opened: three parallel arrays of primitives, live in {@code [start, end)}. A client's commands
 * apply almost always in sequence order, so adding is an append and forgetting the oldest moves
 * {@code start}; both amortized O(1). A command applied out of order is inserted in place.
 * Kept as primitives because a table holds up to millions of them and snapshots copy them all.
 */
final class SequenceWindow {
    private static final int INITIAL_CAPACITY = 8;

    private long[] sequences = new long[INITIAL_CAPACITY];
    private long[] zxids = new long[INITIAL_CAPACITY];
    private long[] sessionIds = new long[INITIAL_CAPACITY];
    private int start;
    private int end;

    SequenceWindow() {}

    /**
     * A window holding commands {@code [from, to)} of the arrays, which must be strictly ascending
     * by sequence (checked): what a snapshot gives back, laid down in one copy.
     */
    SequenceWindow(long[] sequences, long[] zxids, long[] sessionIds, int from, int to) {
        int descent = firstNotAscending(sequences, from, to);
        if (descent < to) {
            throw new IllegalArgumentException("sequences must ascend: " + sequences[descent - 1] + " then " + sequences[descent] + " at " + descent);
        }
        int capacity = Math.max(INITIAL_CAPACITY, 2 * (to - from));
        this.sequences = Arrays.copyOfRange(sequences, from, from + capacity);
        this.zxids = Arrays.copyOfRange(zxids, from, from + capacity);
        this.sessionIds = Arrays.copyOfRange(sessionIds, from, from + capacity);
        this.end = to - from;
    }

    /** The first index in {@code (from, to)} whose sequence is not above the one before it, else {@code to}. */
    static int firstNotAscending(long[] sequences, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            if (sequences[i] <= sequences[i - 1]) {
                return i;
            }
        }
        return to;
    }

    int size() {
        return end - start;
    }

    boolean isEmpty() {
        return end == start;
    }

    /** The oldest sequence held; the window must not be empty. */
    long first() {
        assert !isEmpty();
        return sequences[start];
    }

    long last() {
        assert !isEmpty();
        return sequences[end - 1];
    }

    boolean contains(long sequence) {
        return indexOf(sequence) >= 0;
    }

    /** The command applied with {@code sequence}, or null. */
    ClientTable.Applied applied(long sequence) {
        int at = indexOf(sequence);
        return at < 0 ? null : new ClientTable.Applied(sequence, zxids[at], sessionIds[at]);
    }

    /** Adds the command, or replaces the one with the same sequence. */
    void put(long sequence, long zxid, long sessionId) {
        if (isEmpty() || sequence > last()) {
            makeRoomAtEnd();
            set(end++, sequence, zxid, sessionId);
            return;
        }
        int at = indexOf(sequence);
        if (at >= 0) {
            set(at, sequence, zxid, sessionId);
            return;
        }
        makeRoomAtEnd(); // may slide the live part: find the insertion point after it
        int insertAt = -indexOf(sequence) - 1;
        int moved = end - insertAt;
        System.arraycopy(sequences, insertAt, sequences, insertAt + 1, moved);
        System.arraycopy(zxids, insertAt, zxids, insertAt + 1, moved);
        System.arraycopy(sessionIds, insertAt, sessionIds, insertAt + 1, moved);
        set(insertAt, sequence, zxid, sessionId);
        end++;
    }

    void removeFirst() {
        assert !isEmpty();
        start++;
    }

    long[] sequences() {
        return Arrays.copyOfRange(sequences, start, end);
    }

    long[] zxids() {
        return Arrays.copyOfRange(zxids, start, end);
    }

    long[] sessionIds() {
        return Arrays.copyOfRange(sessionIds, start, end);
    }

    private void set(int at, long sequence, long zxid, long sessionId) {
        sequences[at] = sequence;
        zxids[at] = zxid;
        sessionIds[at] = sessionId;
    }

    /** An index in {@code [start, end)}, or {@code -(insertion point) - 1}. */
    private int indexOf(long sequence) {
        return Arrays.binarySearch(sequences, start, end, sequence);
    }

    /**
     * Ensures {@code end < capacity}: slides the live part back to index 0 when at most half the
     * capacity is live (so the slide is paid for by as many appends), else doubles the capacity.
     */
    private void makeRoomAtEnd() {
        if (end < sequences.length) {
            return;
        }
        int size = size();
        int capacity = size <= sequences.length / 2 ? sequences.length : sequences.length * 2;
        sequences = moved(sequences, capacity);
        zxids = moved(zxids, capacity);
        sessionIds = moved(sessionIds, capacity);
        start = 0;
        end = size;
    }

    private long[] moved(long[] values, int capacity) {
        long[] to = capacity == values.length ? values : new long[capacity];
        System.arraycopy(values, start, to, 0, end - start);
        return to;
    }
}
