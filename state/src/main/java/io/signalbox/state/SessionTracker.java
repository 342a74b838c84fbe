package io.signalbox.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The leader's session deadlines, in ticks: no wall clock. Keep-alives go here and are
 * never logged; when a deadline passes, the leader proposes {@link Command.ExpireSession},
 * whose event removes the session and its ephemeral servers on every replica. A node that
 * becomes leader calls {@link #resetAll} to give every open session a full timeout, since
 * it cannot know when the old leader last heard from them (as ZooKeeper does).
 * Single-threaded, deterministic.
 */
public final class SessionTracker {
    private final long tickMs;
    private final Map<Long, Long> deadlineBySession = new HashMap<>();
    private final Map<Long, Long> timeoutTicksBySession = new HashMap<>();
    private final TreeMap<Long, TreeSet<Long>> sessionsByDeadline = new TreeMap<>();
    private long tick;

    public SessionTracker(long tickMs) {
        if (tickMs < 1 || tickMs > 60_000) {
            throw new IllegalArgumentException("tickMs must be in 1..60000, got " + tickMs);
        }
        this.tickMs = tickMs;
    }

    /** One tick passed. */
    public void tick() {
        tick++;
    }

    public long currentTick() {
        return tick;
    }

    /** A session was opened (its event applied), or is known after a leader change. */
    public void track(long sessionId, int timeoutMs) {
        long timeoutTicks = Math.max(1, (timeoutMs + tickMs - 1) / tickMs);
        timeoutTicksBySession.put(sessionId, timeoutTicks);
        schedule(sessionId, tick + timeoutTicks);
    }

    /** A keep-alive: the deadline moves a full timeout ahead. Returns false for an unknown session. */
    public boolean touch(long sessionId) {
        Long timeoutTicks = timeoutTicksBySession.get(sessionId);
        if (timeoutTicks == null) {
            return false;
        }
        schedule(sessionId, tick + timeoutTicks);
        return true;
    }

    /** The session ended (its event applied): stop tracking it. */
    public void forget(long sessionId) {
        Long deadline = deadlineBySession.remove(sessionId);
        timeoutTicksBySession.remove(sessionId);
        if (deadline != null) {
            unschedule(sessionId, deadline);
        }
    }

    /** Sessions whose deadline has passed, oldest deadline first (then by id); still tracked until forgotten. */
    public List<Long> expired() {
        List<Long> expired = new ArrayList<>();
        for (TreeSet<Long> ids : sessionsByDeadline.headMap(tick, false).values()) {
            expired.addAll(ids);
        }
        return expired;
    }

    /** A new leader: every open session of {@code sessions} gets a full timeout from now; others are dropped. */
    public void resetAll(List<Session> sessions) {
        deadlineBySession.clear();
        timeoutTicksBySession.clear();
        sessionsByDeadline.clear();
        for (Session session : sessions) {
            track(session.id(), session.timeoutMs());
        }
    }

    private void schedule(long sessionId, long deadline) {
        Long previous = deadlineBySession.put(sessionId, deadline);
        if (previous != null) {
            unschedule(sessionId, previous);
        }
        sessionsByDeadline.computeIfAbsent(deadline, d -> new TreeSet<>()).add(sessionId);
    }

    private void unschedule(long sessionId, long deadline) {
        TreeSet<Long> ids = sessionsByDeadline.get(deadline);
        if (ids != null) {
            ids.remove(sessionId);
            if (ids.isEmpty()) {
                sessionsByDeadline.remove(deadline);
            }
        }
    }
}
