package io.signalbox.simulation;

import io.signalbox.common.Zxid;
import io.signalbox.protocol.ErrorReply;
import io.signalbox.protocol.Request;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.protocol.StreamSnapshot;
import io.signalbox.protocol.SubscribeRequest;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated subscriber of the event stream, as a sync agent is: it subscribes on one node
 * from the last zxid it has, and when the stream ends (STREAM_ENDED, the node crashed) it
 * subscribes again elsewhere from there. Every frame is checked as it arrives: entries come in
 * the committed order without a gap or a repeat, and a snapshot is of a committed position.
 */
final class SimSubscriber {
    /** Its connection id on every node: clear of the clients' (1..{@link SimClients#CLIENTS}). */
    static final long CONNECTION_ID = 1_000;

    private final SplittableRandom random;
    private final int nodes;
    private final SafetyChecker checker;
    private int node;
    private long requestId;
    private long lastZxid;
    private long entries;
    private boolean subscribed;

    SimSubscriber(SplittableRandom random, int nodes, SafetyChecker checker) {
        this.random = random;
        this.nodes = nodes;
        this.checker = checker;
        this.node = 1 + random.nextInt(nodes);
    }

    /** Where to subscribe next: another node than the last one, from the last zxid received. */
    SimClients.Send subscribe() {
        node = nodes == 1 ? 1 : 1 + (node + random.nextInt(nodes - 1)) % nodes;
        requestId++;
        subscribed = true;
        return new SimClients.Send(-1, node, CONNECTION_ID, new Request(requestId, new SubscribeRequest(lastZxid, List.of())));
    }

    int node() {
        return node;
    }

    boolean subscribed() {
        return subscribed;
    }

    /** The node it streams from crashed: the stream is gone. */
    void lost() {
        subscribed = false;
    }

    /** A frame or the stream's last word; returns false when the stream ended and the subscriber must subscribe again. */
    boolean received(Response response) {
        if (response.requestId() != requestId) {
            return true; // from a stream it left
        }
        if (response.reply() instanceof ErrorReply) {
            subscribed = false;
            return false;
        }
        if (response.reply() instanceof StreamSnapshot snapshot) {
            if (snapshot.zxid() < lastZxid || checker.committedAfter(snapshot.zxid()) == -2) {
                throw new Violation("event-stream", "a snapshot at " + Zxid.format(snapshot.zxid()) + " after entries up to "
                        + Zxid.format(lastZxid) + ", or of a position that is not committed");
            }
            lastZxid = snapshot.zxid();
        } else if (response.reply() instanceof StreamEntry entry) {
            long expected = checker.committedAfter(lastZxid);
            if (entry.zxid() != expected) {
                throw new Violation("event-stream", "after " + Zxid.format(lastZxid) + " the stream from node " + node + " sent "
                        + Zxid.format(entry.zxid()) + " where the committed log has " + (expected < 0 ? "nothing yet" : Zxid.format(expected))
                        + (entry.zxid() <= lastZxid ? " (a repeat)" : " (a gap)"));
            }
            lastZxid = entry.zxid();
            entries++;
        }
        return true;
    }

    long entries() {
        return entries;
    }
}
