package io.signalbox.server.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Role;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import io.signalbox.consensus.message.ZabMessage;
import io.signalbox.node.PeerMessage;
import io.signalbox.proto.peer.PeerEnvelope;
import io.signalbox.protocol.CommandRequest;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.ErrorReply;
import io.signalbox.protocol.ProxyReport;
import io.signalbox.protocol.ReadRequest;
import io.signalbox.simulation.SimulationOptions;
import io.signalbox.simulation.SimulationResult;
import io.signalbox.simulation.Simulator;
import io.signalbox.state.Command;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PeerMessageCodecTest {
    private static final long MAX_ZXID = Zxid.of(0x7fff_ffffL, 0xffff_ffffL);

    /** One of every message, with extreme values where a field could be truncated or sign-flipped. */
    static final List<ZabMessage> EVERY_MESSAGE = List.of(
            new ZabMessage.Notification(Long.MAX_VALUE, Role.LEADING, 7, MAX_ZXID, 0x7fff_ffffL),
            new ZabMessage.Notification(0, Role.LOOKING, 1, Zxid.ZERO, 0, Zxid.of(3, 4)),
            new ZabMessage.FollowerInfo(-1L, 3, Zxid.of(3, 9)),
            new ZabMessage.LeaderInfo(Long.MIN_VALUE, 4),
            new ZabMessage.AckEpoch(42, 4, false, 3, Zxid.of(3, 9)),
            new ZabMessage.SyncDiff(42, 4, Zxid.of(3, 9)),
            new ZabMessage.SyncTrunc(42, 4, Zxid.of(2, 1)),
            new ZabMessage.SyncSnap(42, 4, new Snapshot(Zxid.of(3, 5), new byte[] {0, 1, 2, (byte) 255})),
            new ZabMessage.SyncSnap(42, 4, Snapshot.GENESIS),
            new ZabMessage.SyncSnap(42, 4, new Snapshot(Zxid.of(3, 9), new byte[] {7},
                    new io.signalbox.consensus.Membership(Zxid.of(3, 2), java.util.List.of(1, 2, 3, 4), java.util.List.of(9)))),
            new ZabMessage.NewLeader(-7L, 4, MAX_ZXID),
            new ZabMessage.AckNewLeader(Long.MIN_VALUE, 4, Zxid.of(3, 9)),
            new ZabMessage.UpToDate(99L, 4, Zxid.of(3, 9)),
            new ZabMessage.Proposal(4, Zxid.of(3, 9), List.of(new Txn(Zxid.of(4, 1), new byte[] {9}), new Txn(Zxid.of(4, 2), new byte[0]))),
            new ZabMessage.Proposal(4, Zxid.of(3, 9), List.of()),
            new ZabMessage.Ack(4, Zxid.of(4, 2)),
            new ZabMessage.Ack(4, Zxid.of(4, 2), 17),
            new ZabMessage.Commit(4, Zxid.of(4, 2)),
            new ZabMessage.Ping(Long.MAX_VALUE, 4, Zxid.of(4, 2), false, 0),
            new ZabMessage.Ping(-3L, 4, Zxid.of(4, 2), true, 18));

    @Test
    void everyMessageSurvivesTheRoundTrip() {
        for (ZabMessage message : EVERY_MESSAGE) {
            PeerMessageCodec.Frame frame = PeerMessageCodec.decode(PeerMessageCodec.encode(5, message));
            assertEquals(5, frame.from());
            assertEquals(new PeerMessage.Zab(message), frame.message());
        }
        long types = EVERY_MESSAGE.stream().map(Object::getClass).distinct().count();
        assertEquals(ZabMessage.class.getPermittedSubclasses().length, types, "a message type is missing from this test");
    }

    @Test
    void forwardedRequestsAndRepliesSurviveTheRoundTripAndBadOnesCloseTheLink() {
        List<PeerMessage> forwarded = List.of(
                new PeerMessage.Forward(7, new CommandRequest("client-1", 3, new Command.SetWeight("web", "a", 5, 12L))),
                new PeerMessage.Forward(8, new ReadRequest(Consistency.LINEARIZABLE, Zxid.of(2, 3), "web", 0)),
                new PeerMessage.Forward(9, new ProxyReport("edge", "haproxy", List.of("web"), Zxid.of(2, 3), 0, "", 1, 2, 3)),
                new PeerMessage.ForwardReply(7, new CommandResult(Zxid.of(2, 4), 0)),
                new PeerMessage.ForwardReply(8, new ErrorReply(ErrorCode.CONFLICT, "version 12 is not 13", "expectVersion", "", 0)));
        for (PeerMessage message : forwarded) {
            assertEquals(message, PeerMessageCodec.decode(PeerMessageCodec.encode(3, message)).message());
        }
        // from=3, then forwarded_request (field 30) holding a client Request with only request_id=1: no operation.
        byte[] garbled = {0x08, 0x03, (byte) 0xF2, 0x01, 0x04, 0x0A, 0x02, 0x08, 0x01};
        MalformedFrameException bad = org.junit.jupiter.api.Assertions.assertThrows(MalformedFrameException.class,
                () -> PeerMessageCodec.decode(garbled));
        assertTrue(bad.getMessage().contains("from 3"), bad.getMessage());
    }

    /** Real runs with every message encoded and decoded on its way are identical to runs without. */
    @ParameterizedTest(name = "{0} nodes, seeds {1}..{2}")
    @CsvSource({"3, 1, 25", "5, 100, 110"})
    void simulatedRunsThroughTheCodecAreTheSameRuns(int nodes, long firstSeed, long lastSeed) {
        AtomicLong frames = new AtomicLong();
        for (long seed = firstSeed; seed <= lastSeed; seed++) {
            SimulationOptions options = SimulationOptions.fromSeed(seed, nodes, 1_500, Set.of());
            SimulationResult plain = new Simulator(options).run();
            SimulationResult wired = new Simulator(options, message -> {
                frames.incrementAndGet();
                return PeerMessageCodec.decode(PeerMessageCodec.encode(1, message)).message();
            }).run();
            assertEquals(plain.invariant(), wired.invariant(), "seed " + seed);
            assertEquals(plain.traceDigest(), wired.traceDigest(), "seed " + seed);
            assertEquals(plain.commits(), wired.commits(), "seed " + seed);
        }
        assertTrue(frames.get() > 10_000, "too few frames to mean anything: " + frames.get());
    }

    @Test
    void anOversizedFrameIsRefusedWithTheLimit() {
        MalformedFrameException error = assertThrows(MalformedFrameException.class,
                () -> PeerMessageCodec.decode(new byte[PeerMessageCodec.FRAME_BYTES_MAX + 1]));
        assertEquals("frame of 8388609 bytes exceeds the limit of 8388608", error.getMessage());
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class, () -> PeerMessageCodec.encode(1,
                new ZabMessage.SyncSnap(1, 1, new Snapshot(Zxid.of(1, 1), new byte[PeerMessageCodec.FRAME_BYTES_MAX]))));
        assertTrue(tooBig.getMessage().startsWith("a SyncSnap of "), tooBig.getMessage());
    }

    @Test
    void garbageAnEmptyBodyAndABadSenderAreRefused() {
        assertThrows(MalformedFrameException.class, () -> PeerMessageCodec.decode(new byte[] {(byte) 0xff, (byte) 0xff, 0x01}));
        MalformedFrameException empty = assertThrows(MalformedFrameException.class,
                () -> PeerMessageCodec.decode(PeerEnvelope.newBuilder().setFrom(2).build().toByteArray()));
        assertEquals("frame from 2 holds an invalid message: no message in the frame (body BODY_NOT_SET)", empty.getMessage());
        MalformedFrameException sender = assertThrows(MalformedFrameException.class,
                () -> PeerMessageCodec.decode(PeerMessageCodec.encode(0, new ZabMessage.Ack(1, 1))));
        assertEquals("frame names sender 0; peer ids are positive", sender.getMessage());
        MalformedFrameException badTxn = assertThrows(MalformedFrameException.class, () -> PeerMessageCodec.decode(
                PeerEnvelope.newBuilder().setFrom(2).setProposal(io.signalbox.proto.peer.Proposal.newBuilder()
                        .addTxns(io.signalbox.proto.peer.Txn.newBuilder().setZxid(Zxid.of(1, 0)))).build().toByteArray()));
        assertTrue(badTxn.getMessage().contains("a txn's zxid counter starts at 1, got 1:0"), badTxn.getMessage());
    }
}
