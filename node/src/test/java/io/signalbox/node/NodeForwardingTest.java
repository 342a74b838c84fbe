package io.signalbox.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.consensus.Effect;
import io.signalbox.consensus.RecoveredState;
import io.signalbox.consensus.Role;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.ZabConfig;
import io.signalbox.consensus.ZabCore;
import io.signalbox.protocol.CommandRequest;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.ErrorReply;
import io.signalbox.protocol.ReadRequest;
import io.signalbox.protocol.ReadResult;
import io.signalbox.protocol.Request;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.StatusRequest;
import io.signalbox.protocol.StatusResult;
import io.signalbox.state.Command;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Three nodes wired by hand (no threads, no network, no disk): messages are delivered in
 * order when the test says so, appends are durable at once. What a follower does with a
 * request only the leader serves: forwarding over the peer link, answers under the
 * client's own request id, and what a client is told when the leader goes away.
 */
class NodeForwardingTest {
    private record InFlight(int from, int to, PeerMessage message) {}

    private final Node[] nodes = new Node[4];
    private final ArrayDeque<InFlight> network = new ArrayDeque<>();
    private final List<NodeEffect.Reply> replies = new ArrayList<>();
    private final boolean[] cut = new boolean[4];

    NodeForwardingTest() {
        List<NodeOptions.Member> members = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            members.add(new NodeOptions.Member(id, "n" + id + ":1", "n" + id + ":2", "n" + id + ":3"));
        }
        for (int id = 1; id <= 3; id++) {
            ZabCore core = ZabCore.create(ZabConfig.defaults(id, List.of(1, 2, 3)),
                    new RecoveredState(0, 0, Snapshot.GENESIS, List.of()), new SplittableRandom(id)::nextLong);
            nodes[id] = new Node(new NodeOptions(id, members, 50, 20, 1_000, 64, false, false), core, Snapshot.GENESIS);
            carryOut(id);
        }
    }

    private void carryOut(int id) {
        for (NodeEffect effect : nodes[id].takeEffects()) {
            if (effect instanceof NodeEffect.Send send) {
                network.add(new InFlight(id, send.to(), send.message()));
            } else if (effect instanceof NodeEffect.Durable durable && durable.write() instanceof Effect.AppendTxns append) {
                long last = append.txns().get(append.txns().size() - 1).zxid();
                nodes[id].persisted(last);
                carryOut(id);
            } else if (effect instanceof NodeEffect.Reply reply) {
                replies.add(reply);
            }
        }
    }

    /** Delivers messages (and their consequences) until none is left, at most {@code max}. */
    private void deliverAll(int max) {
        for (int i = 0; i < max && !network.isEmpty(); i++) {
            InFlight message = network.poll();
            if (!cut[message.from()] && !cut[message.to()]) {
                nodes[message.to()].receive(message.from(), message.message());
                carryOut(message.to());
            }
        }
    }

    private void tickAll(int ticks) {
        for (int t = 0; t < ticks; t++) {
            for (int id = 1; id <= 3; id++) {
                if (!cut[id]) {
                    nodes[id].tick();
                    carryOut(id);
                }
            }
            deliverAll(10_000);
        }
    }

    private int leader() {
        for (int id = 1; id <= 3; id++) {
            if (nodes[id].leadingEstablished()) {
                return id;
            }
        }
        return 0;
    }

    private Response ask(int id, long connection, long requestId, io.signalbox.protocol.ClientRequest body) {
        replies.clear();
        nodes[id].request(connection, new Request(requestId, body));
        carryOut(id);
        for (int t = 0; t < 10 && replies.isEmpty(); t++) {
            deliverAll(10_000);
            tickAll(1);
        }
        assertEquals(1, replies.size(), "one answer: " + replies);
        assertEquals(connection, replies.get(0).connectionId());
        return replies.get(0).response();
    }

    private int electLeader() {
        for (int t = 0; t < 200 && leader() == 0; t++) {
            tickAll(1);
        }
        assertTrue(leader() != 0, "a leader within 200 ticks");
        return leader();
    }

    @Test
    void aFollowerForwardsCommandsAndLinearizableReadsToItsLeaderAndAnswersUnderTheClientsRequestId() {
        int leader = electLeader();
        int follower = leader % 3 + 1;
        Response put = ask(follower, 7, 41, new CommandRequest("client-a", 1,
                new Command.PutService("web", "http", 8080, "roundrobin", null, 1_000, 1_000, 1_000, null)));
        assertEquals(41, put.requestId());
        assertTrue(put.reply() instanceof CommandResult, put.toString());
        long zxid = put.reply().zxid();

        Response read = ask(follower, 7, 42, new ReadRequest(Consistency.LINEARIZABLE, 0, "web", 0));
        assertTrue(read.reply() instanceof ReadResult result && result.zxid() >= zxid
                && result.configuration().services().size() == 1, read.toString());

        Response retried = ask(leader, 9, 43, new CommandRequest("client-a", 1,
                new Command.PutService("web", "http", 8080, "roundrobin", null, 1_000, 1_000, 1_000, null)));
        assertEquals(new CommandResult(zxid, 0), retried.reply(), "a retry through another node gets the first answer");

        Response status = ask(follower, 7, 44, new StatusRequest(false));
        assertTrue(status.reply() instanceof StatusResult s && s.self().role().equals(Role.FOLLOWING.name())
                && s.proxiesNote().isEmpty(), "the follower asked its leader for the proxy reports: " + status);
    }

    @Test
    void whenTheLeaderIsCutOffAForwardedCommandIsAnsweredAsUnknownNotLost() {
        int leader = electLeader();
        int follower = leader % 3 + 1;
        cut[leader] = true;
        replies.clear();
        nodes[follower].request(3, new Request(5, new CommandRequest("client-b", 1, new Command.SetWeight("web", "a", 5, null))));
        carryOut(follower);
        tickAll(60);
        List<NodeEffect.Reply> answers = replies.stream().filter(r -> r.connectionId() == 3).toList();
        assertEquals(1, answers.size(), "exactly one answer: " + answers);
        ErrorReply error = (ErrorReply) answers.get(0).response().reply();
        assertEquals(ErrorCode.TIMEOUT, error.code(), "its outcome is unknown: " + error);
        assertTrue(error.message().contains("retry with the same sequence"), error.message());
    }

    @Test
    void aForwardedRequestThatMeetsANodeNoLongerLeadingIsRefusedAndNotForwardedAgain() {
        int leader = electLeader();
        int other = leader % 3 + 1;
        nodes[other].receive(leader, new PeerMessage.Forward(99, new CommandRequest("c", 1, new Command.OpenSession(1_000))));
        List<NodeEffect> effects = nodes[other].takeEffects();
        assertEquals(1, effects.size(), effects.toString());
        NodeEffect.Send send = (NodeEffect.Send) effects.get(0);
        assertEquals(leader, send.to());
        PeerMessage.ForwardReply reply = (PeerMessage.ForwardReply) send.message();
        assertEquals(99, reply.forwardId());
        assertEquals(ErrorCode.UNAVAILABLE, ((ErrorReply) reply.reply()).code());
    }
}
