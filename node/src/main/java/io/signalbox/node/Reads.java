package io.signalbox.node;

import io.signalbox.common.Zxid;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.HistoryRequest;
import io.signalbox.protocol.HistoryResult;
import io.signalbox.protocol.ReadRequest;
import io.signalbox.protocol.ReadResult;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.state.Configuration;
import io.signalbox.state.HistoryGoneException;
import io.signalbox.state.LbStateMachine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads (loop thread only). LINEARIZABLE: on the leader, after a read-index quorum round,
 * from state applied at least to the commit point the round began with. LOCAL: from this
 * node's state once it has applied the client's last seen zxid (so a client never reads
 * backwards, even after switching nodes), waiting up to the request timeout.
 */
final class Reads {
    /** Reads parked on one node, at most (LOCAL waiting to catch up plus LINEARIZABLE waiting for a round). */
    static final int PARKED_READS_MAX = 100_000;
    /** Entries in one history answer, at most. */
    static final int HISTORY_LIMIT_MAX = 10_000;

    /** A parked read; or, with {@code answer} set, a command's refusal waiting for confirmation (see {@link #confirm}). */
    private record Parked(long requestId, ReadRequest request, Responder responder, long startedTick, long minZxid, Response answer) {}

    private final Node replica;
    private final long requestTimeoutTicks;
    private final boolean unsafeLinearizableReads;
    private long ticks;
    private final Map<Long, Parked> awaitingRound = new HashMap<>();
    private final ArrayDeque<Parked> awaitingApply = new ArrayDeque<>();
    private long nextReadId = 1;

    /**
     * @param unsafeLinearizableReads test only: serve LINEARIZABLE reads from the leader's state without the
     *                                read-index round, so the checkers can show they catch stale reads
     */
    Reads(Node replica, int requestTimeoutTicks, boolean unsafeLinearizableReads) {
        this.replica = replica;
        this.requestTimeoutTicks = requestTimeoutTicks;
        this.unsafeLinearizableReads = unsafeLinearizableReads;
    }

    /** @return false when the read must go to the leader (LINEARIZABLE on a non-leader) */
    boolean read(long requestId, ReadRequest request, Responder responder, boolean establishedLeader) {
        if (awaitingRound.size() + awaitingApply.size() >= PARKED_READS_MAX) {
            responder.respond(Response.error(requestId, ErrorCode.BUSY, PARKED_READS_MAX + " reads already wait on this node"));
            return true;
        }
        Parked read = new Parked(requestId, request, responder, ticks, request.minZxid(), null);
        if (request.consistency() == Consistency.LINEARIZABLE) {
            if (!establishedLeader) {
                return false;
            }
            if (unsafeLinearizableReads) {
                answer(read); // the ZOOKEEPER-1675 bug, on purpose: a deposed leader answers from its stale state
                return true;
            }
            long readId = nextReadId++;
            if (replica.readIndex(readId)) {
                awaitingRound.put(readId, read);
            } else {
                responder.respond(Response.error(requestId, ErrorCode.UNAVAILABLE, "cannot start a read-index round; retry"));
            }
            return true;
        }
        if (replica.machine().appliedZxid() >= request.minZxid()) {
            answer(read);
        } else {
            awaitingApply.add(read);
        }
        return true;
    }

    /**
     * Sends {@code answer} (a refusal, or the success of a command that changed nothing) only
     * once a quorum has confirmed this leader after it was decided, and everything the decision
     * saw ({@code sawZxid}, proposals included) is applied. A deposed leader's decision, or one
     * that rested on proposals that were then lost, is never sent: the client gets UNAVAILABLE
     * and retries. ZooKeeper gets the same effect by committing its error transactions.
     */
    void confirm(long requestId, Response answer, Responder responder, long sawZxid) {
        if (awaitingRound.size() + awaitingApply.size() >= PARKED_READS_MAX) {
            responder.respond(Response.error(requestId, ErrorCode.BUSY, PARKED_READS_MAX + " answers already wait on this node"));
            return;
        }
        long readId = nextReadId++;
        if (replica.readIndex(readId)) {
            awaitingRound.put(readId, new Parked(requestId, null, responder, ticks, sawZxid, answer));
        } else {
            responder.respond(Response.error(requestId, ErrorCode.UNAVAILABLE, "cannot confirm leadership for the answer; retry"));
        }
    }

    void readReady(long readId, long readZxid) {
        Parked read = awaitingRound.remove(readId);
        if (read == null) {
            return;
        }
        Parked atLeast = new Parked(read.requestId(), read.request(), read.responder(), read.startedTick(),
                Math.max(read.minZxid(), readZxid), read.answer());
        if (replica.machine().appliedZxid() >= atLeast.minZxid()) {
            answer(atLeast);
        } else {
            awaitingApply.add(atLeast);
        }
    }

    void applied(long zxid) {
        Iterator<Parked> it = awaitingApply.iterator();
        while (it.hasNext()) {
            Parked read = it.next();
            if (read.minZxid() <= zxid) {
                it.remove();
                answer(read);
            }
        }
    }

    /** Leadership was lost: reads waiting for a quorum round will never get one here. */
    void leadershipLost() {
        for (Parked read : awaitingRound.values()) {
            read.responder().respond(Response.error(read.requestId(), ErrorCode.UNAVAILABLE,
                    "leadership changed before the " + (read.answer() == null ? "read" : "answer") + " was confirmed; retry"));
        }
        awaitingRound.clear();
        // Answers whose round completed but whose proposals may now never apply here.
        awaitingApply.removeIf(read -> {
            if (read.answer() == null) {
                return false;
            }
            read.responder().respond(Response.error(read.requestId(), ErrorCode.UNAVAILABLE,
                    "leadership changed before the answer was confirmed; retry"));
            return true;
        });
    }

    void tick() {
        ticks++;
        long now = ticks;
        awaitingApply.removeIf(read -> expire(read, now, "this node has not applied zxid " + Zxid.format(read.minZxid())));
        awaitingRound.values().removeIf(read -> expire(read, now, "no quorum confirmed the leader"));
    }

    private boolean expire(Parked read, long now, String why) {
        if (now - read.startedTick() <= requestTimeoutTicks) {
            return false;
        }
        read.responder().respond(Response.error(read.requestId(), ErrorCode.TIMEOUT, why + " within the request timeout"));
        return true;
    }

    private void answer(Parked read) {
        if (read.answer() != null) {
            read.responder().respond(read.answer());
            return;
        }
        LbStateMachine machine = replica.machine();
        ReadRequest request = read.request();
        if (request.atZxid() == 0 && !request.service().isEmpty()) {
            Configuration service = machine.configuration(request.service());
            replica.serviceRead(request.service(), service);
            read.responder().respond(new Response(read.requestId(), new ReadResult(service)));
            return;
        }
        Configuration configuration;
        try {
            configuration = request.atZxid() == 0 ? machine.configuration() : machine.configurationAt(request.atZxid());
        } catch (HistoryGoneException e) {
            read.responder().respond(Response.error(read.requestId(), ErrorCode.HISTORY_GONE, e.getMessage(), "atZxid"));
            return;
        }
        // The access table goes with whole, current reads only: ctl acl ls reads it so.
        boolean withGrants = request.atZxid() == 0 && request.service().isEmpty();
        read.responder().respond(new Response(read.requestId(), new ReadResult(Answers.configuration(configuration, request.service()),
                withGrants ? machine.grants() : null)));
    }

    void history(long requestId, HistoryRequest request, Responder responder) {
        int limit = request.limit() == 0 ? 1_000 : request.limit();
        if (limit < 0 || limit > HISTORY_LIMIT_MAX) {
            responder.respond(Response.error(requestId, ErrorCode.INVALID, "limit " + limit + " is outside 1.." + HISTORY_LIMIT_MAX, "limit"));
            return;
        }
        List<LbStateMachine.Entry> entries;
        try {
            entries = replica.machine().eventsAfter(request.fromZxid());
        } catch (HistoryGoneException e) {
            responder.respond(Response.error(requestId, ErrorCode.HISTORY_GONE, e.getMessage(), "fromZxid"));
            return;
        }
        List<StreamEntry> result = new ArrayList<>(Math.min(limit, entries.size()));
        for (LbStateMachine.Entry entry : entries.subList(0, Math.min(limit, entries.size()))) {
            result.add(new StreamEntry(entry.zxid(), entry.events(), entry.identity()));
        }
        responder.respond(new Response(requestId, new HistoryResult(replica.machine().appliedZxid(), result)));
    }
}
