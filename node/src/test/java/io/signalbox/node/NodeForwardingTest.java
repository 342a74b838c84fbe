package io.signalbox.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.consensus.Role;
import io.signalbox.protocol.ClientReply;
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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Three nodes wired by hand ({@link HandWiredCluster}). What a follower does with a
 * request only the leader serves: forwarding over the peer link, answers under the
 * client's own request id, and what a client is told when the leader goes away.
 */
class NodeForwardingTest {
    private final HandWiredCluster cluster = new HandWiredCluster(1_000);
    private final Node[] nodes = cluster.nodes;
    private final boolean[] cut = cluster.cut;
    private final List<NodeEffect.Reply> replies = cluster.replies;

    private int electLeader() {
        return cluster.electLeader();
    }

    private Response ask(int id, long connection, long requestId, io.signalbox.protocol.ClientRequest body) {
        return cluster.ask(id, connection, requestId, body);
    }

    private void carryOut(int id) {
        cluster.carryOut(id);
    }

    private void tickAll(int ticks) {
        cluster.tickAll(ticks);
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

    /** A leader's late answer to a forward of an earlier start must not answer a forward of this one. */
    @Test
    void forwardIdsOfTwoStartsDiffer() {
        List<ClientReply> answered = new java.util.ArrayList<>();
        Forwarding before = new Forwarding(2, 20, 0x5EED_0001L);
        Forwarding after = new Forwarding(2, 20, 0x7A11_0002L);
        PeerMessage.Forward old = before.forward(read(), 1, answered::add);
        PeerMessage.Forward current = after.forward(read(), 1, answered::add);
        assertTrue(old.forwardId() != current.forwardId() && old.forwardId() > 0 && current.forwardId() > 0);

        after.replied(1, old.forwardId(), new CommandResult(7, 0));
        assertEquals(List.of(), answered, "the earlier start's answer matches nothing now");
        after.replied(1, current.forwardId(), new CommandResult(8, 0));
        assertEquals(List.of(new CommandResult(8, 0)), answered);
    }

    private static ReadRequest read() {
        return new ReadRequest(Consistency.LINEARIZABLE, 0, "registers", 0);
    }
}
