package io.signalbox.server.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.signalbox.consensus.Role;
import io.signalbox.consensus.Membership;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import io.signalbox.consensus.message.ZabMessage;
import io.signalbox.node.PeerMessage;
import io.signalbox.proto.peer.ForwardedReply;
import io.signalbox.proto.peer.ForwardedRequest;
import io.signalbox.proto.peer.PeerEnvelope;
import io.signalbox.proto.peer.ServerState;
import io.signalbox.protocol.Request;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.wire.ClientWire;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where peer messages turn into protobuf frames and back (Ratis's
 * ServerProtoUtils). The core never sees a generated type. A frame above
 * {@link #FRAME_BYTES_MAX} is refused on both sides, so no peer can make another
 * allocate without bound.
 */
public final class PeerMessageCodec {
    /** The limit of every Signalbox link ({@link io.signalbox.protocol.wire.Frames}); a SNAP travels in one frame, so it also bounds the snapshot. */
    public static final int FRAME_BYTES_MAX = io.signalbox.protocol.wire.Frames.FRAME_BYTES_MAX;

    /** One decoded frame: the sender and its message. */
    public record Frame(int from, PeerMessage message) {}

    private PeerMessageCodec() {}

    public static byte[] encode(int from, PeerMessage message) {
        if (message instanceof PeerMessage.Zab zab) {
            return encode(from, zab.message());
        }
        PeerEnvelope.Builder envelope = PeerEnvelope.newBuilder().setFrom(from);
        if (message instanceof PeerMessage.Forward m) {
            envelope.setForwardedRequest(ForwardedRequest.newBuilder().setRequest(ClientWire.toProto(new Request(m.forwardId(), m.request()))));
        } else if (message instanceof PeerMessage.ForwardReply m) {
            envelope.setForwardedReply(ForwardedReply.newBuilder().setResponse(ClientWire.toProto(new Response(m.forwardId(), m.reply()))));
        }
        return checked(envelope.build().toByteArray(), message);
    }

    public static byte[] encode(int from, ZabMessage message) {
        PeerEnvelope.Builder envelope = PeerEnvelope.newBuilder().setFrom(from);
        if (message instanceof ZabMessage.Notification m) {
            envelope.setNotification(io.signalbox.proto.peer.Notification.newBuilder().setRound(m.round())
                    .setSenderState(toProto(m.senderState())).setProposedLeader(m.proposedLeader())
                    .setProposedZxid(m.proposedZxid()).setProposedEpoch(m.proposedEpoch()).setConfigurationZxid(m.configurationZxid()));
        } else if (message instanceof ZabMessage.FollowerInfo m) {
            envelope.setFollowerInfo(io.signalbox.proto.peer.FollowerInfo.newBuilder().setAttempt(m.attempt())
                    .setAcceptedEpoch(m.acceptedEpoch()).setLastZxid(m.lastZxid()));
        } else if (message instanceof ZabMessage.LeaderInfo m) {
            envelope.setLeaderInfo(io.signalbox.proto.peer.LeaderInfo.newBuilder().setAttempt(m.attempt()).setNewEpoch(m.newEpoch()));
        } else if (message instanceof ZabMessage.AckEpoch m) {
            envelope.setAckEpoch(io.signalbox.proto.peer.AckEpoch.newBuilder().setAttempt(m.attempt()).setEpoch(m.epoch())
                    .setCounted(m.counted()).setCurrentEpoch(m.currentEpoch()).setLastZxid(m.lastZxid()));
        } else if (message instanceof ZabMessage.SyncDiff m) {
            envelope.setSyncDiff(io.signalbox.proto.peer.SyncDiff.newBuilder().setAttempt(m.attempt()).setEpoch(m.epoch())
                    .setBaseZxid(m.baseZxid()));
        } else if (message instanceof ZabMessage.SyncTrunc m) {
            envelope.setSyncTrunc(io.signalbox.proto.peer.SyncTrunc.newBuilder().setAttempt(m.attempt()).setEpoch(m.epoch())
                    .setTruncateAfterZxid(m.truncateAfterZxid()));
        } else if (message instanceof ZabMessage.SyncSnap m) {
            envelope.setSyncSnap(io.signalbox.proto.peer.SyncSnap.newBuilder().setAttempt(m.attempt()).setEpoch(m.epoch())
                    .setSnapshot(encodeSnapshot(m.snapshot())));
        } else if (message instanceof ZabMessage.NewLeader m) {
            envelope.setNewLeader(io.signalbox.proto.peer.NewLeader.newBuilder().setAttempt(m.attempt()).setEpoch(m.epoch()).setZxid(m.zxid()));
        } else if (message instanceof ZabMessage.AckNewLeader m) {
            envelope.setAckNewLeader(io.signalbox.proto.peer.AckNewLeader.newBuilder().setAttempt(m.attempt()).setEpoch(m.epoch()).setZxid(m.zxid()));
        } else if (message instanceof ZabMessage.UpToDate m) {
            envelope.setUpToDate(io.signalbox.proto.peer.UpToDate.newBuilder().setAttempt(m.attempt()).setEpoch(m.epoch()).setCommitZxid(m.commitZxid()));
        } else if (message instanceof ZabMessage.Proposal m) {
            io.signalbox.proto.peer.Proposal.Builder proposal = io.signalbox.proto.peer.Proposal.newBuilder()
                    .setEpoch(m.epoch()).setPrevZxid(m.prevZxid());
            for (Txn txn : m.txns()) {
                proposal.addTxns(io.signalbox.proto.peer.Txn.newBuilder().setZxid(txn.zxid()).setPayload(ByteString.copyFrom(txn.payload())));
            }
            envelope.setProposal(proposal);
        } else if (message instanceof ZabMessage.Ack m) {
            envelope.setAck(io.signalbox.proto.peer.Ack.newBuilder().setEpoch(m.epoch()).setZxid(m.zxid()).setReadRound(m.readRound()));
        } else if (message instanceof ZabMessage.Commit m) {
            envelope.setCommit(io.signalbox.proto.peer.Commit.newBuilder().setEpoch(m.epoch()).setZxid(m.zxid()));
        } else if (message instanceof ZabMessage.Ping m) {
            envelope.setPing(io.signalbox.proto.peer.Ping.newBuilder().setAttempt(m.attempt()).setEpoch(m.epoch()).setCommitZxid(m.commitZxid())
                    .setUpToDate(m.upToDate()).setReadRound(m.readRound()));
        } else {
            throw new IllegalArgumentException("no encoding for message type " + message.getClass().getName());
        }
        return checked(envelope.build().toByteArray(), message);
    }

    private static byte[] checked(byte[] frame, Object message) {
        if (frame.length > FRAME_BYTES_MAX) {
            throw new IllegalArgumentException("a " + message.getClass().getSimpleName() + " of " + frame.length
                    + " bytes exceeds the frame limit of " + FRAME_BYTES_MAX + " bytes");
        }
        return frame;
    }

    /**
     * Decodes one frame.
     *
     * @throws MalformedFrameException if the frame is too large, does not parse, or holds no known message;
     *                                 the connection it came on should be closed
     */
    public static Frame decode(byte[] frame) {
        if (frame.length > FRAME_BYTES_MAX) {
            throw new MalformedFrameException("frame of " + frame.length + " bytes exceeds the limit of " + FRAME_BYTES_MAX);
        }
        PeerEnvelope envelope;
        try {
            envelope = PeerEnvelope.parseFrom(frame);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedFrameException("frame of " + frame.length + " bytes does not parse: " + e.getMessage());
        }
        if (envelope.getFrom() <= 0) {
            throw new MalformedFrameException("frame names sender " + envelope.getFrom() + "; peer ids are positive");
        }
        try {
            if (envelope.hasForwardedRequest()) {
                Request request = ClientWire.fromProto(envelope.getForwardedRequest().getRequest());
                return new Frame(envelope.getFrom(), new PeerMessage.Forward(request.requestId(), request.body()));
            }
            if (envelope.hasForwardedReply()) {
                Response response = ClientWire.fromProto(envelope.getForwardedReply().getResponse());
                return new Frame(envelope.getFrom(), new PeerMessage.ForwardReply(response.requestId(), response.reply()));
            }
            return new Frame(envelope.getFrom(), new PeerMessage.Zab(toMessage(envelope)));
        } catch (IllegalArgumentException | ClientWire.UndecodableFrameException | ClientWire.RefusedRequestException e) {
            throw new MalformedFrameException("frame from " + envelope.getFrom() + " holds an invalid message: " + e.getMessage());
        }
    }

    private static ZabMessage toMessage(PeerEnvelope envelope) {
        switch (envelope.getBodyCase()) {
            case NOTIFICATION: {
                var m = envelope.getNotification();
                return new ZabMessage.Notification(m.getRound(), fromProto(m.getSenderState()), m.getProposedLeader(),
                        m.getProposedZxid(), m.getProposedEpoch(), m.getConfigurationZxid());
            }
            case FOLLOWER_INFO: {
                var m = envelope.getFollowerInfo();
                return new ZabMessage.FollowerInfo(m.getAttempt(), m.getAcceptedEpoch(), m.getLastZxid());
            }
            case LEADER_INFO:
                return new ZabMessage.LeaderInfo(envelope.getLeaderInfo().getAttempt(), envelope.getLeaderInfo().getNewEpoch());
            case ACK_EPOCH: {
                var m = envelope.getAckEpoch();
                return new ZabMessage.AckEpoch(m.getAttempt(), m.getEpoch(), m.getCounted(), m.getCurrentEpoch(), m.getLastZxid());
            }
            case SYNC_DIFF: {
                var m = envelope.getSyncDiff();
                return new ZabMessage.SyncDiff(m.getAttempt(), m.getEpoch(), m.getBaseZxid());
            }
            case SYNC_TRUNC: {
                var m = envelope.getSyncTrunc();
                return new ZabMessage.SyncTrunc(m.getAttempt(), m.getEpoch(), m.getTruncateAfterZxid());
            }
            case SYNC_SNAP: {
                var m = envelope.getSyncSnap();
                return new ZabMessage.SyncSnap(m.getAttempt(), m.getEpoch(), decodeSnapshot(m.getSnapshot()));
            }
            case NEW_LEADER: {
                var m = envelope.getNewLeader();
                return new ZabMessage.NewLeader(m.getAttempt(), m.getEpoch(), m.getZxid());
            }
            case ACK_NEW_LEADER: {
                var m = envelope.getAckNewLeader();
                return new ZabMessage.AckNewLeader(m.getAttempt(), m.getEpoch(), m.getZxid());
            }
            case UP_TO_DATE: {
                var m = envelope.getUpToDate();
                return new ZabMessage.UpToDate(m.getAttempt(), m.getEpoch(), m.getCommitZxid());
            }
            case PROPOSAL: {
                var m = envelope.getProposal();
                List<Txn> txns = new ArrayList<>(m.getTxnsCount());
                for (var txn : m.getTxnsList()) {
                    txns.add(new Txn(txn.getZxid(), txn.getPayload().toByteArray()));
                }
                return new ZabMessage.Proposal(m.getEpoch(), m.getPrevZxid(), txns);
            }
            case ACK:
                return new ZabMessage.Ack(envelope.getAck().getEpoch(), envelope.getAck().getZxid(), envelope.getAck().getReadRound());
            case COMMIT:
                return new ZabMessage.Commit(envelope.getCommit().getEpoch(), envelope.getCommit().getZxid());
            case PING: {
                var m = envelope.getPing();
                return new ZabMessage.Ping(m.getAttempt(), m.getEpoch(), m.getCommitZxid(), m.getUpToDate(), m.getReadRound());
            }
            default:
                throw new IllegalArgumentException("no message in the frame (body " + envelope.getBodyCase() + ")");
        }
    }

    private static ServerState toProto(Role role) {
        return switch (role) {
            case LOOKING -> ServerState.LOOKING;
            case FOLLOWING -> ServerState.FOLLOWING;
            case LEADING -> ServerState.LEADING;
            // A removed node sends no notification; reaching here is a bug in the core.
            case REMOVED -> throw new IllegalArgumentException("a REMOVED node sends no notification");
        };
    }

    private static Role fromProto(ServerState state) {
        return switch (state) {
            case LOOKING -> Role.LOOKING;
            case FOLLOWING -> Role.FOLLOWING;
            case LEADING -> Role.LEADING;
            default -> throw new IllegalArgumentException("server state " + state + "; allowed: LOOKING, FOLLOWING, LEADING");
        };
    }

    private static io.signalbox.proto.peer.Snapshot encodeSnapshot(Snapshot snapshot) {
        var builder = io.signalbox.proto.peer.Snapshot.newBuilder().setZxid(snapshot.zxid())
                .setState(ByteString.copyFrom(snapshot.state()));
        if (snapshot.membership() != null) {
            builder.setMembership(io.signalbox.proto.peer.Membership.newBuilder().setZxid(snapshot.membership().zxid())
                    .addAllVoters(snapshot.membership().voters()).addAllObservers(snapshot.membership().observers()));
        }
        return builder.build();
    }

    private static Snapshot decodeSnapshot(io.signalbox.proto.peer.Snapshot snapshot) {
        Membership membership = !snapshot.hasMembership() ? null : new Membership(snapshot.getMembership().getZxid(),
                snapshot.getMembership().getVotersList(), snapshot.getMembership().getObserversList());
        return new Snapshot(snapshot.getZxid(), snapshot.getState().toByteArray(), membership);
    }
}
