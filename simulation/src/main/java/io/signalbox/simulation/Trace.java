package io.signalbox.simulation;

import java.util.ArrayList;
import java.util.List;

/**
 * What happened in a run: a running 64-bit digest over every event (same seed, same
 * digest: the determinism proof) and the last events, kept cheaply and formatted only
 * when a violation needs them.
 */
final class Trace {
    static final int RECENT_EVENTS_MAX = 60;

    private record Event(long time, int node, int from, String kind, Object detail) {
        String line() {
            return String.format("t=%d.%03d node=%d %s%s %s", time / SimulationOptions.TICK_UNITS, time % SimulationOptions.TICK_UNITS, node,
                    from == 0 ? "" : "from=" + from + " ", kind, detail == null ? "" : detail);
        }
    }

    /** Hears every event as it is recorded (a {@link SequenceRecorder}); it must not draw random numbers. */
    interface Listener {
        void recorded(long time, int node, String kind, Object detail);
    }

    private final Event[] recent = new Event[RECENT_EVENTS_MAX];
    private int next;
    private long count;
    private long digest = 0xCBF29CE484222325L;
    private Listener listener;
    /** Takes every event as a line ({@code simulate --events}); null: none are formatted. */
    private java.util.function.Consumer<String> lines;

    void listen(Listener listener) {
        this.listener = listener;
    }

    void writeLinesTo(java.util.function.Consumer<String> lines) {
        this.lines = lines;
    }

    void record(long time, int node, String kind, Object detail, long fingerprint) {
        record(time, node, 0, kind, detail, fingerprint);
    }

    /** As above, for a message {@code node} received from node {@code from} (shown, not part of the digest's event). */
    void record(long time, int node, int from, String kind, Object detail, long fingerprint) {
        Event event = new Event(time, node, from, kind, detail);
        recent[next] = event;
        if (lines != null) {
            lines.accept(event.line());
        }
        next = (next + 1) % RECENT_EVENTS_MAX;
        count++;
        digest = mix(mix(mix(digest, time), node * 31L + kind.hashCode()), fingerprint);
        if (listener != null) {
            listener.recorded(time, node, kind, detail);
        }
    }

    long digest() {
        return digest;
    }

    long events() {
        return count;
    }

    List<String> recentEvents() {
        List<String> formatted = new ArrayList<>();
        for (int i = 0; i < RECENT_EVENTS_MAX; i++) {
            Event event = recent[(next + i) % RECENT_EVENTS_MAX];
            if (event != null) {
                formatted.add(event.line());
            }
        }
        return formatted;
    }

    private static long mix(long h, long value) {
        h ^= value;
        h *= 0x100000001B3L;
        return h ^ (h >>> 32);
    }
}
