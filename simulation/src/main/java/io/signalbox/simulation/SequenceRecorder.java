package io.signalbox.simulation;

import io.signalbox.consensus.Effect;
import io.signalbox.node.PeerMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The opening of one simulated run, kept for a message sequence chart ({@link SequenceDiagram}):
 * every message between nodes (sent, arrived or lost), role changes and faults, from the
 * start until the story has been told: a leader established, a sample of its broadcast, a
 * fault, the next leader established and a sample of its broadcast. Steady broadcast between
 * two such moments is counted, not drawn (a gap row says how much), and heartbeats are never
 * drawn. It only listens: it draws no random numbers, so a recorded run is the same run
 * (same trace digest) as an unrecorded one.
 */
public final class SequenceRecorder {
    public static final int MESSAGES_MAX = 300;
    static final int LABEL_MAX = 40;
    public static final int MARKS_MAX = 200;
    /** Broadcast messages drawn after each leader, role change or fault before the rest is only counted. */
    static final int BROADCAST_SAMPLE = 12;
    /** Leaders established (each with its broadcast sample) after which the chart is complete. */
    static final int LEADERS_TO_SHOW = 2;

    /** Which part of the protocol a message belongs to, for its colour. */
    public enum Phase { ELECTION, DISCOVERY, SYNC, BROADCAST, FORWARD }

    /** One message copy: {@code arrival} is when it would arrive, -1 when the network dropped it at once. */
    public static final class Arrow {
        public final long sent;
        public final int from;
        public final int to;
        public final String label;
        public final Phase phase;
        public final long arrival;
        boolean delivered;

        Arrow(long sent, int from, int to, String label, Phase phase, long arrival) {
            this.sent = sent;
            this.from = from;
            this.to = to;
            this.label = label;
            this.phase = phase;
            this.arrival = arrival;
        }

        public boolean delivered() {
            return delivered;
        }
    }

    /** Something that happened at one node (node 0: to the whole network), or a gap of omitted broadcast. */
    public record Mark(long time, int node, Kind kind, String text) {}

    public enum Kind { ROLE, FAULT, RECOVERY, GAP }

    private final int nodes;
    private final List<Arrow> arrows = new ArrayList<>();
    private final List<Mark> marks = new ArrayList<>();
    /** Arrows on their way, by the very message object the simulator delivers. */
    private final Map<Object, ArrayDeque<Arrow>> inFlight = new IdentityHashMap<>();
    private int broadcastDrawn;
    private int omitted;
    private long omittedFrom;
    private long omittedTo;
    private int heartbeatsOmitted;
    private int leadersShown;
    private boolean faultSinceLastLeader = true;
    private boolean complete;
    private long end;

    public SequenceRecorder(int nodes) {
        if (nodes < 1 || nodes > 7) {
            throw new IllegalArgumentException("nodes must be in 1..7, got " + nodes);
        }
        this.nodes = nodes;
    }

    public int nodes() {
        return nodes;
    }

    public List<Arrow> arrows() {
        return List.copyOf(arrows);
    }

    public List<Mark> marks() {
        return List.copyOf(marks);
    }

    public int heartbeatsOmitted() {
        return heartbeatsOmitted;
    }

    /** The last simulated time the chart covers. */
    public long end() {
        return end;
    }

    /** True once the chart holds all it will: later events are ignored. */
    public boolean complete() {
        return complete;
    }

    /** A message copy leaves {@code from}; {@code onWire} is the object that will arrive, {@code arrival} -1 if it is lost at once. */
    void sent(long now, int from, int to, PeerMessage onWire, long arrival) {
        if (complete) {
            return;
        }
        if (from > nodes || to > nodes) {
            finish(now); // the chart has a lane per first voter: it ends where a node joins
            return;
        }
        Object message = onWire instanceof PeerMessage.Zab zab ? zab.message() : onWire;
        String type = message.getClass().getSimpleName();
        if (type.equals("Ping")) {
            heartbeatsOmitted++;
            return;
        }
        Phase phase = phaseOf(type);
        if (phase == Phase.BROADCAST || phase == Phase.FORWARD) {
            if (broadcastDrawn >= BROADCAST_SAMPLE) {
                omit(now);
                return;
            }
            broadcastDrawn++;
            if (broadcastDrawn == BROADCAST_SAMPLE && leadersShown >= LEADERS_TO_SHOW) {
                finish(now);
            }
        }
        if (arrows.size() >= MESSAGES_MAX) {
            finish(now);
            return;
        }
        Arrow arrow = new Arrow(now, from, to, label(message), phase, arrival);
        arrows.add(arrow);
        end = Math.max(end, Math.max(now, arrival));
        if (arrival >= 0) {
            inFlight.computeIfAbsent(onWire, k -> new ArrayDeque<>()).add(arrow);
        }
    }

    /** Every event the simulator traces; the ones a chart shows become marks, an arrival completes its arrow. */
    void event(long now, int node, String kind, Object detail) {
        if (kind.equals("recv")) {
            arrived(now, detail);
            return;
        }
        if (complete) {
            return;
        }
        if (node > nodes) {
            finish(now);
            return;
        }
        switch (kind) {
            case "role" -> role(now, node, (Effect.RoleChanged) detail);
            case "crash", "crash-point", "pause", "partition" -> {
                faultSinceLastLeader = true;
                mark(now, node, Kind.FAULT, kind + (detail == null ? "" : ": " + detail));
            }
            case "resume", "heal-partition", "heal-all" -> mark(now, node, Kind.RECOVERY, kind);
            case "start" -> {
                if (now > 0) {
                    mark(now, node, Kind.RECOVERY, "restart: " + detail);
                }
            }
            default -> { }
        }
        if (kind.equals("heal-all")) {
            finish(now);
        }
    }

    private void role(long now, int node, Effect.RoleChanged change) {
        String text = change.role() + (change.role().name().equals("LOOKING") ? "" : " leader=" + change.leaderId())
                + " epoch=" + change.epoch() + (change.established() ? " established" : "");
        mark(now, node, Kind.ROLE, text);
        if (change.established() && faultSinceLastLeader) {
            faultSinceLastLeader = false;
            leadersShown++;
        }
    }

    private void mark(long now, int node, Kind kind, String text) {
        if (omitted > 0) {
            marks.add(new Mark(omittedFrom, 0, Kind.GAP, omitted + " broadcast messages not drawn (t="
                    + ticks(omittedFrom) + " to " + ticks(omittedTo) + ")"));
            omitted = 0;
        }
        broadcastDrawn = 0;
        if (marks.size() >= MARKS_MAX) {
            finish(now);
            return;
        }
        marks.add(new Mark(now, node, kind, text));
        end = Math.max(end, now);
    }

    private void arrived(long now, Object onWire) {
        ArrayDeque<Arrow> waiting = inFlight.get(onWire);
        if (waiting == null) {
            return;
        }
        Arrow arrow = waiting.stream().filter(a -> a.arrival == now).findFirst().orElse(waiting.peek());
        waiting.remove(arrow);
        if (waiting.isEmpty()) {
            inFlight.remove(onWire);
        }
        arrow.delivered = true;
    }

    private void omit(long now) {
        if (omitted == 0) {
            omittedFrom = now;
        }
        omitted++;
        omittedTo = now;
    }

    private void finish(long now) {
        if (!complete) {
            complete = true;
            end = Math.max(end, now);
        }
    }

    static Phase phaseOf(String messageType) {
        return switch (messageType) {
            case "Notification" -> Phase.ELECTION;
            case "FollowerInfo", "LeaderInfo", "AckEpoch" -> Phase.DISCOVERY;
            case "SyncDiff", "SyncTrunc", "SyncSnap", "NewLeader", "AckNewLeader", "UpToDate" -> Phase.SYNC;
            case "Forward", "ForwardReply" -> Phase.FORWARD;
            default -> Phase.BROADCAST;
        };
    }

    /**
     * The message's own text in short ({@code LeaderInfo newEpoch=1}): its type and fields
     * without brackets, at most {@link #LABEL_MAX} characters, since a Proposal's transactions
     * or a snapshot would fill the chart.
     */
    private static String label(Object message) {
        String text = message instanceof PeerMessage.Forward forward ? "Forward " + forward.request().getClass().getSimpleName()
                : message instanceof PeerMessage.ForwardReply reply ? "ForwardReply " + reply.reply().getClass().getSimpleName()
                : message.toString().replaceFirst("\\[", " ").replace(", ", " ").replace("]", "");
        return text.length() <= LABEL_MAX ? text : text.substring(0, LABEL_MAX - 1) + "…";
    }

    static String ticks(long time) {
        return time / SimulationOptions.TICK_UNITS + "." + String.format("%03d", time % SimulationOptions.TICK_UNITS);
    }
}
