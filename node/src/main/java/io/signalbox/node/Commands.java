package io.signalbox.node;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.ProposeResult;
import io.signalbox.protocol.CommandRequest;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.Response;
import io.signalbox.state.Command;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.Rejection;
import io.signalbox.state.SessionTracker;
import io.signalbox.state.SpeculativeState;
import io.signalbox.state.StateEvent;
import io.signalbox.state.codec.EntryCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands on the leader (loop thread only): validate against the speculative view, stamp
 * with the client's id and sequence, propose, and answer when the entry is applied. A
 * retried command that already applied gets its first answer; one still in flight waits
 * for the same entry. Sessions are tracked here: keep-alives refresh deadlines without a
 * log entry, and an expired session is proposed for removal.
 */
final class Commands {
    private static final Logger LOG = LoggerFactory.getLogger(Commands.class);

    /** Longest client id kept in log entries and the client table (the Java client's limit too). */
    static final int CLIENT_ID_LENGTH_MAX = 128;

    private record Waiter(Responder responder, long requestId, long startedTick) {}

    private final int nodeId;
    private final Node replica;
    /** Holds refusals and no-op answers until a quorum round confirms them. */
    private final Reads confirmer;
    private final long requestTimeoutTicks;
    private final boolean unsafeRefusals;
    private final Authorizer authorizer;
    private long ticks;
    private final SessionTracker sessions;
    private final Map<Long, List<Waiter>> waitersByZxid = new HashMap<>();
    private final Map<String, Long> inflightByClientSequence = new HashMap<>();
    private final Set<Long> expiring = new HashSet<>();
    private SpeculativeState speculative;

    /** @param unsafeRefusals simulator only: answer refusals at once, as the server did before the chaos harness caught it */
    Commands(int nodeId, Node replica, int tickMs, int requestTimeoutTicks, Reads confirmer, boolean unsafeRefusals, Authorizer authorizer) {
        this.authorizer = authorizer;
        this.unsafeRefusals = unsafeRefusals;
        this.confirmer = confirmer;
        this.nodeId = nodeId;
        this.replica = replica;
        this.requestTimeoutTicks = requestTimeoutTicks;
        this.sessions = new SessionTracker(tickMs);
        this.speculative = SpeculativeState.on(replica.machine());
    }

    /** On an established leader only; the caller forwards otherwise. */
    void submit(long requestId, CommandRequest request, Responder responder) {
        Command command = request.command();
        // Before validation, so that a refusal says nothing about the state to who may not read it.
        String refusal = authorizer.refusal(request.identity(), request, replica.machine().view());
        if (refusal != null) {
            logRefusal(nodeId, request.identity(), refusal);
            refuse(requestId, Response.error(requestId, ErrorCode.PERMISSION_DENIED, refusal), responder);
            return;
        }
        if (request.clientId().length() > CLIENT_ID_LENGTH_MAX) {
            responder.respond(Response.error(requestId, ErrorCode.INVALID, "clientId of " + request.clientId().length()
                    + " characters: at most " + CLIENT_ID_LENGTH_MAX, "clientId"));
            return;
        }
        if (leaderOnly(command)) {
            responder.respond(Response.error(requestId, ErrorCode.INVALID, "clients cannot send ExpireSession: the leader "
                    + "expires a session whose keep-alives stopped; close it with CloseSession", "command"));
            return;
        }
        String clientKey = request.clientId().isEmpty() ? "" : request.clientId() + "#" + request.sequence();
        if (!clientKey.isEmpty()) {
            ClientTable.Verdict verdict = replica.clients().verdict(request.clientId(), request.sequence());
            if (verdict == ClientTable.Verdict.DUPLICATE) {
                ClientTable.Applied applied = replica.clients().applied(request.clientId(), request.sequence());
                responder.respond(success(requestId, applied.zxid(), applied.sessionId()));
                return;
            }
            if (verdict == ClientTable.Verdict.TOO_OLD) {
                responder.respond(Response.error(requestId, ErrorCode.INVALID, "sequence " + request.sequence() + " of client "
                        + request.clientId() + " is older than the " + ClientTable.SEQUENCES_PER_CLIENT_MAX
                        + " it is remembered by (oldest " + replica.clients().oldestRemembered(request.clientId())
                        + "); whether it applied is unknown", "sequence"));
                return;
            }
            Long inflight = inflightByClientSequence.get(clientKey);
            if (inflight != null) {
                waitersByZxid.computeIfAbsent(inflight, z -> new ArrayList<>()).add(new Waiter(responder, requestId, ticks));
                return;
            }
        }
        if (command instanceof Command.KeepAlive keepAlive) {
            keepAlive(requestId, keepAlive.sessionId(), responder);
            return;
        }
        LbStateMachine.Prepared prepared;
        // A refusal, or "nothing to change", is a statement about the state: it is sent only once a
        // quorum confirmed this leader and what the decision saw (proposals included) is applied.
        long saw = replica.lastZxid();
        try {
            prepared = speculative.prepare(command);
        } catch (Rejection e) {
            refuse(requestId, Response.error(requestId, e instanceof Rejection.Conflict ? ErrorCode.CONFLICT : ErrorCode.INVALID,
                    e.getMessage(), e.field()), responder);
            return;
        }
        if (prepared.events().isEmpty()) {
            confirmer.confirm(requestId, success(requestId, saw, 0), responder, saw);
            return;
        }
        long zxid = propose(prepared, request.clientId(), request.sequence(), request.identity(), requestId, responder);
        if (zxid > 0 && !clientKey.isEmpty()) {
            inflightByClientSequence.put(clientKey, zxid);
        }
    }

    /** Answers {@code requestId} with success once {@code zxid} (proposed by this leader) is delivered, as for a command. */
    void awaitCommit(long zxid, long requestId, Responder responder) {
        waitersByZxid.computeIfAbsent(zxid, z -> new ArrayList<>()).add(new Waiter(responder, requestId, ticks));
    }

    /** A refusal is a statement about the state: sent once a quorum confirmed this leader (see submit). */
    private void refuse(long requestId, Response refusal, Responder responder) {
        if (unsafeRefusals) {
            responder.respond(refusal);
        } else {
            confirmer.confirm(requestId, refusal, responder, replica.lastZxid());
        }
    }

    /** One line per refused request, with who and why (the reason names what it tried and lacks). */
    static void logRefusal(int nodeId, String identity, String reason) {
        LOG.warn("node {}: refused a request from {}: {}", nodeId, identity, reason);
    }

    private long propose(LbStateMachine.Prepared prepared, String clientId, long sequence, String identity, long requestId,
                         Responder responder) {
        ProposeResult result = replica.propose(EntryCodec.stamp(prepared.payload(), clientId, sequence, identity));
        if (result instanceof ProposeResult.Accepted accepted) {
            speculative.proposed(accepted.zxid(), prepared.events());
            if (responder != null) {
                waitersByZxid.computeIfAbsent(accepted.zxid(), z -> new ArrayList<>()).add(new Waiter(responder, requestId, ticks));
            }
            return accepted.zxid();
        }
        if (responder != null) {
            if (result instanceof ProposeResult.Busy busy) {
                responder.respond(Response.error(requestId, ErrorCode.BUSY, busy.inflight() + " proposals await commit (limit "
                        + busy.inflightMax() + "); retry"));
            } else if (result instanceof ProposeResult.TooLarge large) {
                responder.respond(Response.error(requestId, ErrorCode.TOO_LARGE, "the command's entry takes " + large.payloadBytes()
                        + " bytes; at most " + large.payloadBytesMax(), "command"));
            } else {
                responder.respond(Response.error(requestId, ErrorCode.UNAVAILABLE, "node " + nodeId + " is not an established leader"));
            }
        }
        return 0;
    }

    private void keepAlive(long requestId, long sessionId, Responder responder) {
        if (speculative.hasSession(sessionId) && sessions.touch(sessionId)) {
            responder.respond(success(requestId, replica.machine().appliedZxid(), sessionId));
        } else {
            responder.respond(Response.error(requestId, ErrorCode.INVALID, "session " + sessionId
                    + " does not exist (it expired or was closed)", "sessionId"));
        }
    }

    void delivered(long zxid, List<StateEvent> events, String clientId, long sequence) {
        long sessionId = 0;
        for (StateEvent event : events) {
            if (event instanceof StateEvent.SessionOpened opened) {
                sessions.track(opened.id(), opened.timeoutMs());
                sessionId = opened.id();
            } else if (event instanceof StateEvent.SessionEnded ended) {
                sessions.forget(ended.id());
                expiring.remove(ended.id());
                LOG.info("node {}: session {} {} at {}", nodeId, ended.id(), ended.expired() ? "expired" : "closed", Zxid.format(zxid));
            }
        }
        if (!clientId.isEmpty()) {
            inflightByClientSequence.remove(clientId + "#" + sequence);
        }
        List<Waiter> waiters = waitersByZxid.remove(zxid);
        if (waiters != null) {
            for (Waiter waiter : waiters) {
                waiter.responder().respond(success(waiter.requestId(), zxid, sessionId));
            }
        }
        if (zxid >= replica.lastZxid()) {
            speculative.caughtUp();
        }
    }

    /** Leadership changed: what was in flight may or may not commit, so its outcome is unknown. */
    void leadershipChanged(boolean establishedLeader) {
        for (List<Waiter> waiters : waitersByZxid.values()) {
            for (Waiter waiter : waiters) {
                waiter.responder().respond(Response.error(waiter.requestId(), ErrorCode.TIMEOUT,
                        "leadership changed while the command was in flight; its outcome is unknown: retry with the same sequence"));
            }
        }
        waitersByZxid.clear();
        inflightByClientSequence.clear();
        expiring.clear();
        speculative = SpeculativeState.on(replica.machine());
        if (establishedLeader) {
            sessions.resetAll(replica.machine().sessions());
        }
    }

    /** The commands only the leader itself proposes, alone or inside a multi. */
    private static boolean leaderOnly(Command command) {
        return command instanceof Command.ExpireSession
                || command instanceof Command.Multi multi && multi.commands().stream().anyMatch(Commands::leaderOnly);
    }

    /** Commands proposed and not yet answered. */
    int inflight() {
        return waitersByZxid.size();
    }

    void stateReplaced() {
        speculative = SpeculativeState.on(replica.machine());
    }

    /** Every tick: time out slow requests; on the leader, propose the end of expired sessions. */
    void tick(boolean establishedLeader) {
        sessions.tick();
        ticks++;
        Iterator<Map.Entry<Long, List<Waiter>>> it = waitersByZxid.entrySet().iterator();
        while (it.hasNext()) {
            List<Waiter> waiters = it.next().getValue();
            waiters.removeIf(w -> {
                if (ticks - w.startedTick() > requestTimeoutTicks) {
                    w.responder().respond(Response.error(w.requestId(), ErrorCode.TIMEOUT, "not committed within the request timeout; "
                            + "its outcome is unknown: retry with the same sequence"));
                    return true;
                }
                return false;
            });
            if (waiters.isEmpty()) {
                it.remove();
            }
        }
        if (!establishedLeader) {
            return;
        }
        for (long sessionId : sessions.expired()) {
            if (expiring.add(sessionId)) {
                try {
                    LbStateMachine.Prepared prepared = speculative.prepare(new Command.ExpireSession(sessionId));
                    if (propose(prepared, "", 0, expiryCause(), 0, null) == 0) {
                        expiring.remove(sessionId);
                    }
                } catch (Rejection e) {
                    sessions.forget(sessionId);
                    expiring.remove(sessionId);
                }
            }
        }
    }

    /** Who a session's expiry is by: the leader that saw its keep-alives stop (the event itself names the session). */
    private String expiryCause() {
        return "leader " + nodeId + " (no keep-alive within the session timeout)";
    }

    private static Response success(long requestId, long zxid, long sessionId) {
        return new Response(requestId, new CommandResult(zxid, sessionId));
    }
}
