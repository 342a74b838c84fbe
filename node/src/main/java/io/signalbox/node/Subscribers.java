package io.signalbox.node;

import io.signalbox.common.Zxid;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.ErrorReply;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.protocol.StreamSnapshot;
import io.signalbox.protocol.SubscribeRequest;
import io.signalbox.state.HistoryGoneException;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.StateEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event-stream subscribers on one node (loop thread only). Each gets the entries after its
 * starting zxid in zxid order; one that starts before the retained history first gets the
 * configuration as a snapshot. A subscriber whose connection cannot keep up (the host found
 * its buffer full: {@link #overflowed}) is ended with STREAM_ENDED and the zxid to resume from.
 * With a service filter, an entry carries only the events that concern one of those
 * services, or a session (sessions own ephemeral servers of any service); an entry with
 * none of them is sent empty, as a progress marker.
 */
final class Subscribers {
    private static final Logger LOG = LoggerFactory.getLogger(Subscribers.class);
    static final int SUBSCRIBERS_MAX = 10_000;

    private static final class Subscriber {
        final Responder responder;
        final long requestId;
        final Set<String> services;
        final long fromZxid;
        long sentUpToZxid;

        Subscriber(Responder responder, long requestId, Set<String> services, long from) {
            this.responder = responder;
            this.requestId = requestId;
            this.services = services;
            this.fromZxid = from;
            this.sentUpToZxid = from;
        }
    }

    private final List<Subscriber> subscribers = new ArrayList<>();
    private final int nodeId;

    Subscribers(int nodeId) {
        this.nodeId = nodeId;
    }

    int count() {
        return subscribers.size();
    }

    void subscribe(long requestId, SubscribeRequest request, Responder responder, LbStateMachine machine) {
        if (subscribers.size() >= SUBSCRIBERS_MAX) {
            responder.respond(Response.error(requestId, ErrorCode.BUSY, SUBSCRIBERS_MAX + " subscribers already on this node"));
            return;
        }
        Subscriber subscriber = new Subscriber(responder, requestId, Set.copyOf(request.services()), request.fromZxid());
        List<LbStateMachine.Entry> backlog;
        try {
            backlog = machine.eventsAfter(request.fromZxid());
        } catch (HistoryGoneException e) {
            String filter = subscriber.services.size() == 1 ? subscriber.services.iterator().next() : "";
            Response snapshot = new Response(requestId, new StreamSnapshot(Answers.configuration(machine.configuration(), filter)));
            responder.stream(snapshot);
            subscriber.sentUpToZxid = machine.appliedZxid();
            backlog = List.of();
        }
        subscribers.add(subscriber);
        for (LbStateMachine.Entry entry : backlog) {
            send(subscriber, entry.zxid(), entry.events(), entry.identity());
        }
    }

    /** A new entry was applied. */
    void publish(long zxid, List<StateEvent> events, String identity) {
        for (Subscriber subscriber : subscribers) {
            send(subscriber, zxid, events, identity);
        }
    }

    /**
     * The host could not write a frame of the stream {@code requestId} on {@code connectionId}:
     * its buffer is full. The stream ends; the subscriber resumes from the last frame written
     * ({@code lastWrittenZxid}, 0 when none was), or from where it started.
     */
    void overflowed(long connectionId, long requestId, long lastWrittenZxid) {
        Iterator<Subscriber> it = subscribers.iterator();
        while (it.hasNext()) {
            Subscriber subscriber = it.next();
            if (subscriber.responder.connectionId() == connectionId && subscriber.requestId == requestId) {
                it.remove();
                subscriber.sentUpToZxid = lastWrittenZxid > 0 ? Math.min(subscriber.sentUpToZxid, lastWrittenZxid) : subscriber.fromZxid;
                end(subscriber, "the subscriber fell behind: its buffer is full");
            }
        }
    }

    /** The connection went away: its streams end without a word. */
    void connectionClosed(long connectionId) {
        subscribers.removeIf(subscriber -> subscriber.responder.connectionId() == connectionId);
    }

    /** The state was replaced by a leader's snapshot: every stream ends, to resume from where it was. */
    void endAll(String reason) {
        for (Subscriber subscriber : subscribers) {
            end(subscriber, reason);
        }
        subscribers.clear();
    }

    private void send(Subscriber subscriber, long zxid, List<StateEvent> events, String identity) {
        if (zxid <= subscriber.sentUpToZxid) {
            return;
        }
        // An entry with none of the subscriber's events still goes out, empty: it tells a sync
        // agent how far it has seen, so the lag it reports counts only what it has not applied.
        StreamEntry entry = Answers.entry(zxid, events, identity, event -> matches(subscriber.services, event));
        Response frame = new Response(subscriber.requestId, entry);
        subscriber.responder.stream(frame);
        subscriber.sentUpToZxid = zxid;
    }

    private void end(Subscriber subscriber, String reason) {
        LOG.info("node {}: ending a subscription at {}: {}", nodeId, Zxid.format(subscriber.sentUpToZxid), reason);
        Response ended = new Response(subscriber.requestId, new ErrorReply(ErrorCode.STREAM_ENDED,
                reason + "; resubscribe from zxid " + Zxid.format(subscriber.sentUpToZxid), "", "", subscriber.sentUpToZxid));
        subscriber.responder.respond(ended);
    }

    static boolean matches(Set<String> services, StateEvent event) {
        if (services.isEmpty()) {
            return true;
        }
        if (event instanceof StateEvent.ServicePut e) {
            return services.contains(e.service().name());
        } else if (event instanceof StateEvent.ServiceRemoved e) {
            return services.contains(e.name());
        } else if (event instanceof StateEvent.ServerRegistered e) {
            return services.contains(e.server().service());
        } else if (event instanceof StateEvent.ServerWeightSet e) {
            return services.contains(e.server().service());
        } else if (event instanceof StateEvent.ServerStateSet e) {
            return services.contains(e.server().service());
        } else if (event instanceof StateEvent.ServerDeregistered e) {
            return services.contains(e.server().service());
        } else if (event instanceof StateEvent.RoleGranted || event instanceof StateEvent.RoleRevoked) {
            return false; // about no service: only unfiltered streams show the access table changing
        }
        return true;
    }
}
