package io.signalbox.node;

import io.signalbox.protocol.ClientReply;
import io.signalbox.protocol.ClientRequest;
import io.signalbox.protocol.CommandRequest;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.Response;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A follower's requests in flight at its leader (loop thread only). A request only the leader
 * serves goes over the peer link under a forward id; the leader's answer comes back under it
 * and goes to the client under its own request id. A retried command keeps its client id and
 * sequence, so forwarding adds no duplicates. When the leader changes or does not answer in
 * time, the client is told: a command's outcome is then unknown (TIMEOUT), anything else may
 * simply be retried (UNAVAILABLE).
 */
final class Forwarding {
    static final int FORWARDED_OUTSTANDING_MAX = 10_000;

    private record Pending(ClientRequest request, Consumer<ClientReply> answer, int leaderId, long startedTick) {}

    private final int nodeId;
    private final long timeoutTicks;
    private final Map<Long, Pending> pending = new LinkedHashMap<>();
    private long nextForwardId;
    private long ticks;

    /** @param incarnation random per start: forward ids start from it (kept positive, with room to count up) */
    Forwarding(int nodeId, long timeoutTicks, long incarnation) {
        this.nodeId = nodeId;
        this.timeoutTicks = timeoutTicks;
        this.nextForwardId = 1 + (incarnation >>> 2);
    }

    /**
     * Forwards {@code request} to {@code leaderId} (0: none known); {@code answer} gets the
     * leader's reply, or an error. Returns the message to send, or null when it was answered here.
     */
    PeerMessage.Forward forward(ClientRequest request, int leaderId, Consumer<ClientReply> answer) {
        if (leaderId == 0 || leaderId == nodeId) {
            answer.accept(Response.error(0, ErrorCode.UNAVAILABLE, "node " + nodeId + " knows no leader right now; retry").reply());
            return null;
        }
        if (pending.size() >= FORWARDED_OUTSTANDING_MAX) {
            answer.accept(Response.error(0, ErrorCode.BUSY, FORWARDED_OUTSTANDING_MAX + " requests already wait on node "
                    + leaderId + " for node " + nodeId).reply());
            return null;
        }
        long forwardId = nextForwardId++;
        pending.put(forwardId, new Pending(request, answer, leaderId, ticks));
        return new PeerMessage.Forward(forwardId, request);
    }

    void replied(int from, long forwardId, ClientReply reply) {
        Pending waiting = pending.get(forwardId);
        if (waiting != null && waiting.leaderId() == from) {
            pending.remove(forwardId);
            waiting.answer().accept(reply);
        }
    }

    /** The leader changed (or this node lost it): what waits there may never be answered. */
    void leaderChanged(int newLeaderId) {
        Iterator<Pending> it = pending.values().iterator();
        while (it.hasNext()) {
            Pending waiting = it.next();
            if (waiting.leaderId() != newLeaderId) {
                it.remove();
                waiting.answer().accept(failure(waiting, "leader " + waiting.leaderId() + " was replaced before it answered"));
            }
        }
    }

    void tick() {
        ticks++;
        Iterator<Pending> it = pending.values().iterator();
        while (it.hasNext()) {
            Pending waiting = it.next();
            if (ticks - waiting.startedTick() <= timeoutTicks) {
                break; // in order of forwarding: the rest started later
            }
            it.remove();
            waiting.answer().accept(failure(waiting, "leader " + waiting.leaderId() + " did not answer within the request timeout"));
        }
    }

    int inflight() {
        return pending.size();
    }

    private ClientReply failure(Pending waiting, String why) {
        Response error = waiting.request() instanceof CommandRequest
                ? Response.error(0, ErrorCode.TIMEOUT, why + "; the command's outcome is unknown: retry with the same sequence")
                : Response.error(0, ErrorCode.UNAVAILABLE, why + "; retry");
        return error.reply();
    }
}
