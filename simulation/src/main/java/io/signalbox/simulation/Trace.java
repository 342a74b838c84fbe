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

    private record Event(long time, int node, String kind, Object detail) {}

    /** Hears every event as it is recorded (a {@link SequenceRecorder}); it must not draw random numbers. */
    interface Listener {
        void recorded(long time, int node, String kind, Object detail);
    }

    private final Event[] recent = new Event[RECENT_EVENTS_MAX];
    private int next;
    private long count;
    private long digest = 0xCBF29CE484222325L;
    private Listener listener;

    void listen(Listener listener) {
        this.listener = listener;
    }

    void record(long time, int node, String kind, Object detail, long fingerprint) {
        recent[next] = new Event(time, node, kind, detail);
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
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < RECENT_EVENTS_MAX; i++) {
            Event event = recent[(next + i) % RECENT_EVENTS_MAX];
            if (event != null) {
                lines.add(String.format("t=%d.%03d node=%d %s %s", event.time / SimulationOptions.TICK_UNITS,
                        event.time % SimulationOptions.TICK_UNITS, event.node, event.kind, event.detail == null ? "" : event.detail));
            }
        }
        return lines;
    }

    private static long mix(long h, long value) {
        h ^= value;
        h *= 0x100000001B3L;
        return h ^ (h >>> 32);
    }
}
