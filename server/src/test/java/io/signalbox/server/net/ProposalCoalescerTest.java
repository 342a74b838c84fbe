package io.signalbox.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Txn;
import io.signalbox.consensus.message.ZabMessage;
import io.signalbox.node.PeerMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A round's proposals to a peer leave as one, in order, within the limits, then its last commit; nothing else is reordered. */
class ProposalCoalescerTest {
    private final List<String> sent = new ArrayList<>();

    private ProposalCoalescer coalescer(int txnsMax, long bytesMax) {
        return new ProposalCoalescer((to, message) -> sent.add(to + ":" + describe(message)), txnsMax, bytesMax);
    }

    private static String describe(PeerMessage message) {
        ZabMessage zab = ((PeerMessage.Zab) message).message();
        if (zab instanceof ZabMessage.Proposal p) {
            StringBuilder text = new StringBuilder("P(" + Zxid.counter(p.prevZxid()));
            p.txns().forEach(txn -> text.append(' ').append(Zxid.counter(txn.zxid())));
            return text.append(')').toString();
        }
        return zab instanceof ZabMessage.Commit c ? "C" + Zxid.counter(c.zxid()) : zab instanceof ZabMessage.Ping ? "ping" : zab.toString();
    }

    private static PeerMessage proposal(long epoch, int counter, int bytes) {
        return new PeerMessage.Zab(new ZabMessage.Proposal(epoch, Zxid.of(epoch, counter - 1),
                List.of(new Txn(Zxid.of(epoch, counter), new byte[bytes]))));
    }

    /** Counter 7 is a commit of epoch 4, the others of epoch 3. */
    private static PeerMessage commit(int counter) {
        long epoch = counter == 7 ? 4 : 3;
        return new PeerMessage.Zab(new ZabMessage.Commit(epoch, Zxid.of(epoch, counter)));
    }

    private static PeerMessage ping() {
        return new PeerMessage.Zab(new ZabMessage.Ping(1, 3, Zxid.of(3, 1), true, 0));
    }

    @Test
    void contiguousProposalsToOnePeerLeaveAsOneWhenTheRoundEnds() {
        ProposalCoalescer outbound = coalescer(64, 1 << 20);
        for (int counter = 1; counter <= 3; counter++) {
            outbound.send(2, proposal(3, counter, 10));
            outbound.send(4, proposal(3, counter, 10));
        }
        assertEquals(List.of(), sent, "held until the round ends");
        outbound.release();
        assertEquals(List.of("2:P(0 1 2 3)", "4:P(0 1 2 3)"), sent);
        outbound.release();
        assertEquals(2, sent.size(), "nothing is sent twice");
    }

    @Test
    void theRoundsCommitsToAPeerLeaveAsItsLastAfterItsProposals() {
        ProposalCoalescer outbound = coalescer(64, 1 << 20);
        outbound.send(2, proposal(3, 1, 10));
        outbound.send(2, commit(1));
        outbound.send(2, proposal(3, 2, 10));
        outbound.send(4, commit(1));
        outbound.send(2, commit(2));
        outbound.send(2, commit(1)); // an older one changes nothing
        outbound.release();
        assertEquals(List.of("2:P(0 1 2)", "2:C2", "4:C1"), sent);
    }

    @Test
    void anyOtherMessageToThePeerFirstReleasesWhatIsHeldForIt() {
        ProposalCoalescer outbound = coalescer(64, 1 << 20);
        outbound.send(2, proposal(3, 1, 10));
        outbound.send(2, commit(1));
        outbound.send(4, proposal(3, 1, 10));
        outbound.send(2, ping());
        outbound.send(2, proposal(3, 2, 10));
        outbound.send(4, commit(7)); // a commit of another epoch: what was held for 4 goes first
        outbound.release();
        assertEquals(List.of("2:P(0 1)", "2:C1", "2:ping", "4:P(0 1)", "2:P(1 2)", "4:C7"), sent);
    }

    @Test
    void aGapAnotherEpochOrTheLimitsStartANewMessage() {
        ProposalCoalescer outbound = coalescer(2, 25);
        outbound.send(2, proposal(3, 1, 10));
        outbound.send(2, proposal(3, 3, 10)); // a gap: 2 is missing
        outbound.send(2, proposal(4, 4, 10)); // another epoch
        outbound.send(2, proposal(4, 5, 10));
        outbound.send(2, proposal(4, 6, 10)); // over two txns
        outbound.send(2, proposal(4, 7, 20)); // over 25 bytes
        outbound.release();
        assertEquals(List.of("2:P(0 1)", "2:P(2 3)", "2:P(3 4 5)", "2:P(5 6)", "2:P(6 7)"), sent);
        assertThrows(IllegalArgumentException.class, () -> coalescer(0, 1));
    }
}
