package io.signalbox.protocol.wire;

import com.google.protobuf.InvalidProtocolBufferException;
import io.signalbox.protocol.AuthRequest;
import io.signalbox.protocol.AuthResult;
import io.signalbox.protocol.ClientReply;
import io.signalbox.protocol.ClientRequest;
import io.signalbox.protocol.CommandRequest;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.ErrorReply;
import io.signalbox.protocol.HistoryRequest;
import io.signalbox.protocol.HistoryResult;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.MemberChangeRequest;
import io.signalbox.protocol.ProxyReport;
import io.signalbox.protocol.ProxyStatus;
import io.signalbox.protocol.ReadRequest;
import io.signalbox.protocol.ReadResult;
import io.signalbox.protocol.ReportAccepted;
import io.signalbox.protocol.Request;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.StatusRequest;
import io.signalbox.protocol.StatusResult;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.protocol.StreamSnapshot;
import io.signalbox.protocol.SubscribeRequest;
import io.signalbox.state.Rejection;
import java.util.ArrayList;
import java.util.List;

/**
 * Every conversion of the client protocol between its records and protobuf, both ways, for
 * both sides (after Apache Ratis's ClientProtoUtils). Decoding checks the shape only: a frame
 * that is not a request fails with {@link UndecodableFrameException}; a request that names no
 * operation, or a malformed command, with {@link RefusedRequestException} carrying the answer
 * to send. Values are checked by the node.
 */
public final class ClientWire {
    private ClientWire() {}

    /** The bytes are not a Signalbox message at all: the connection cannot be trusted to continue. */
    public static final class UndecodableFrameException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UndecodableFrameException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A well-framed request that cannot be served as sent; {@link #answer()} says why, under its request id. */
    public static final class RefusedRequestException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Response answer;

        RefusedRequestException(Response answer) {
            super(((ErrorReply) answer.reply()).message());
            this.answer = answer;
        }

        public Response answer() {
            return answer;
        }
    }

    // ---- requests ----

    public static byte[] encode(Request request) {
        return toProto(request).toByteArray();
    }

    public static io.signalbox.proto.client.Request toProto(Request request) {
        io.signalbox.proto.client.Request.Builder b = io.signalbox.proto.client.Request.newBuilder().setRequestId(request.requestId());
        ClientRequest body = request.body();
        if (body instanceof CommandRequest c) {
            b.setCommand(io.signalbox.proto.client.CommandRequest.newBuilder().setClientId(c.clientId()).setSequence(c.sequence())
                    .setCommand(CommandWire.toProto(c.command())).setIdentity(c.identity()));
        } else if (body instanceof ReadRequest r) {
            b.setRead(io.signalbox.proto.client.ReadRequest.newBuilder().setConsistency(toProto(r.consistency()))
                    .setMinZxid(r.minZxid()).setService(r.service()).setAtZxid(r.atZxid()));
        } else if (body instanceof HistoryRequest h) {
            b.setHistory(io.signalbox.proto.client.HistoryRequest.newBuilder().setFromZxid(h.fromZxid()).setLimit(h.limit()));
        } else if (body instanceof SubscribeRequest s) {
            b.setSubscribe(io.signalbox.proto.client.SubscribeRequest.newBuilder().setFromZxid(s.fromZxid()).addAllServices(s.services()));
        } else if (body instanceof StatusRequest s) {
            b.setStatus(io.signalbox.proto.client.StatusRequest.newBuilder().setProxiesOnly(s.proxiesOnly()));
        } else if (body instanceof ProxyReport report) {
            b.setReport(toProto(report));
        } else if (body instanceof AuthRequest auth) {
            b.setAuth(io.signalbox.proto.client.AuthRequest.newBuilder().setToken(auth.token()));
        } else if (body instanceof MemberChangeRequest change) {
            b.setMemberChange(io.signalbox.proto.client.MemberChange.newBuilder().setChange(change.change()).setId(change.id())
                    .setPeerAddress(change.peerAddress()).setClientAddress(change.clientAddress()).setAdminAddress(change.adminAddress()));
        }
        return b.build();
    }

    /**
     * @throws UndecodableFrameException when the bytes are not a request
     * @throws RefusedRequestException   when the request names no operation (MALFORMED) or its command is malformed (INVALID)
     */
    public static Request decodeRequest(byte[] bytes) {
        io.signalbox.proto.client.Request proto;
        try {
            proto = io.signalbox.proto.client.Request.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new UndecodableFrameException("the frame is not a Signalbox request: " + e.getMessage(), e);
        }
        return fromProto(proto);
    }

    /** An already parsed request (one a follower forwarded inside a peer frame); refused as {@link #decodeRequest} refuses. */
    public static Request fromProto(io.signalbox.proto.client.Request proto) {
        long id = proto.getRequestId();
        switch (proto.getBodyCase()) {
            case COMMAND: {
                var c = proto.getCommand();
                try {
                    return new Request(id, new CommandRequest(c.getClientId(), c.getSequence(), CommandWire.fromProto(c.getCommand()),
                            c.getIdentity()));
                } catch (Rejection e) {
                    throw new RefusedRequestException(Response.error(id, ErrorCode.INVALID, e.getMessage(), e.field()));
                }
            }
            case READ: {
                var r = proto.getRead();
                Consistency consistency = r.getConsistency() == io.signalbox.proto.client.Consistency.LINEARIZABLE
                        ? Consistency.LINEARIZABLE : Consistency.LOCAL;
                return new Request(id, new ReadRequest(consistency, r.getMinZxid(), r.getService(), r.getAtZxid()));
            }
            case HISTORY:
                return new Request(id, new HistoryRequest(proto.getHistory().getFromZxid(), proto.getHistory().getLimit()));
            case SUBSCRIBE:
                return new Request(id, new SubscribeRequest(proto.getSubscribe().getFromZxid(), proto.getSubscribe().getServicesList()));
            case STATUS:
                return new Request(id, new StatusRequest(proto.getStatus().getProxiesOnly()));
            case REPORT:
                return new Request(id, fromProto(proto.getReport()));
            case AUTH:
                return new Request(id, new AuthRequest(proto.getAuth().getToken()));
            case MEMBER_CHANGE: {
                var c = proto.getMemberChange();
                return new Request(id, new MemberChangeRequest(c.getChange(), c.getId(), c.getPeerAddress(), c.getClientAddress(),
                        c.getAdminAddress()));
            }
            default:
                throw new RefusedRequestException(Response.error(id, ErrorCode.MALFORMED,
                        "the request names no operation (command, read, history, subscribe, status, report, auth or member change)"));
        }
    }

    private static io.signalbox.proto.client.Consistency toProto(Consistency consistency) {
        return consistency == Consistency.LINEARIZABLE ? io.signalbox.proto.client.Consistency.LINEARIZABLE
                : io.signalbox.proto.client.Consistency.LOCAL;
    }

    private static io.signalbox.proto.client.ProxyReport toProto(ProxyReport r) {
        return io.signalbox.proto.client.ProxyReport.newBuilder().setAgentId(r.agentId()).setProxy(r.proxy())
                .addAllServices(r.services()).setAppliedZxid(r.appliedZxid()).setFailedZxid(r.failedZxid()).setFailure(r.failure())
                .setReloads(r.reloads()).setRuntimeCommands(r.runtimeCommands()).setRepairs(r.repairs()).build();
    }

    private static ProxyReport fromProto(io.signalbox.proto.client.ProxyReport r) {
        return new ProxyReport(r.getAgentId(), r.getProxy(), r.getServicesList(), r.getAppliedZxid(), r.getFailedZxid(), r.getFailure(),
                r.getReloads(), r.getRuntimeCommands(), r.getRepairs());
    }

    // ---- responses ----

    public static byte[] encode(Response response) {
        return toProto(response).toByteArray();
    }

    public static io.signalbox.proto.client.Response toProto(Response response) {
        io.signalbox.proto.client.Response.Builder b = io.signalbox.proto.client.Response.newBuilder()
                .setRequestId(response.requestId()).setZxid(response.reply().zxid());
        ClientReply reply = response.reply();
        if (reply instanceof CommandResult c) {
            b.setCommand(io.signalbox.proto.client.CommandResult.newBuilder().setSessionId(c.sessionId()));
        } else if (reply instanceof ReadResult r) {
            b.setRead(ConfigurationWire.toProto(r.configuration()).toBuilder().addAllGrants(ConfigurationWire.toProto(r.grants())));
        } else if (reply instanceof HistoryResult h) {
            io.signalbox.proto.client.HistoryResult.Builder history = io.signalbox.proto.client.HistoryResult.newBuilder();
            for (StreamEntry entry : h.entries()) {
                history.addEntries(ConfigurationWire.toProto(entry));
            }
            b.setHistory(history);
        } else if (reply instanceof StreamSnapshot s) {
            b.setSnapshot(io.signalbox.proto.client.StreamSnapshot.newBuilder().setConfiguration(ConfigurationWire.toProto(s.configuration())));
        } else if (reply instanceof StreamEntry e) {
            b.setEntry(ConfigurationWire.toProto(e));
        } else if (reply instanceof StatusResult s) {
            b.setStatus(toProto(s));
        } else if (reply instanceof AuthResult a) {
            b.setAuth(io.signalbox.proto.client.AuthResult.newBuilder().setIdentity(a.identity()));
        } else if (reply instanceof ErrorReply e) {
            b.setError(io.signalbox.proto.client.Error.newBuilder().setCode(io.signalbox.proto.client.ErrorCode.valueOf(e.code().name()))
                    .setMessage(e.message()).setField(e.field()).setLeaderHint(e.leaderHint()).setResumeZxid(e.resumeZxid()));
        }
        // ReportAccepted has no body: the zxid is all it says.
        return b.build();
    }

    /** @throws UndecodableFrameException when the bytes are not a response */
    public static Response decodeResponse(byte[] bytes) {
        io.signalbox.proto.client.Response proto;
        try {
            proto = io.signalbox.proto.client.Response.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new UndecodableFrameException("the frame is not a Signalbox response: " + e.getMessage(), e);
        }
        return fromProto(proto);
    }

    /** An already parsed response (a leader's answer to a forwarded request, inside a peer frame). */
    public static Response fromProto(io.signalbox.proto.client.Response proto) {
        try {
            return new Response(proto.getRequestId(), reply(proto));
        } catch (RuntimeException e) {
            throw new UndecodableFrameException("a response does not decode: " + e.getMessage(), e);
        }
    }

    private static ClientReply reply(io.signalbox.proto.client.Response proto) {
        long zxid = proto.getZxid();
        if (proto.hasError()) {
            var e = proto.getError();
            return new ErrorReply(errorCode(e.getCode()), e.getMessage(), e.getField(), e.getLeaderHint(), e.getResumeZxid());
        }
        switch (proto.getBodyCase()) {
            case COMMAND:
                return new CommandResult(zxid, proto.getCommand().getSessionId());
            case READ:
                return new ReadResult(ConfigurationWire.fromProto(zxid, proto.getRead()), ConfigurationWire.grants(proto.getRead()));
            case HISTORY: {
                List<StreamEntry> entries = new ArrayList<>(proto.getHistory().getEntriesCount());
                for (var entry : proto.getHistory().getEntriesList()) {
                    entries.add(ConfigurationWire.fromProto(entry));
                }
                return new HistoryResult(zxid, entries);
            }
            case SNAPSHOT:
                return new StreamSnapshot(ConfigurationWire.fromProto(zxid, proto.getSnapshot().getConfiguration()));
            case ENTRY:
                return ConfigurationWire.fromProto(proto.getEntry());
            case STATUS:
                return fromProto(zxid, proto.getStatus());
            case AUTH:
                return new AuthResult(proto.getAuth().getIdentity());
            default:
                return new ReportAccepted(zxid);
        }
    }

    private static ErrorCode errorCode(io.signalbox.proto.client.ErrorCode code) {
        if (code == io.signalbox.proto.client.ErrorCode.ERROR_CODE_UNSPECIFIED || code == io.signalbox.proto.client.ErrorCode.UNRECOGNIZED) {
            return ErrorCode.MALFORMED; // a newer node's code this client does not know
        }
        return ErrorCode.valueOf(code.name());
    }

    private static io.signalbox.proto.client.StatusResult toProto(StatusResult s) {
        io.signalbox.proto.client.StatusResult.Builder b = io.signalbox.proto.client.StatusResult.newBuilder().setNodeId(s.nodeId())
                .setProxiesNote(s.proxiesNote()).setConfigurationZxid(s.configurationZxid())
                .setConfigurationCommitted(s.configurationCommitted()).setClusterName(s.clusterName());
        for (Member m : s.members()) {
            b.addMembers(io.signalbox.proto.client.Member.newBuilder().setId(m.id()).setPeerAddress(m.peerAddress())
                    .setClientAddress(m.clientAddress()).setAdminAddress(m.adminAddress()).setRole(m.role()).setLeaderId(m.leaderId())
                    .setEpoch(m.epoch()).setLastZxid(m.lastZxid()).setCommittedZxid(m.committedZxid()).setAppliedZxid(m.appliedZxid())
                    .setReachable(m.reachable()).setEstablished(m.established()).setVoting(m.voting()));
        }
        for (ProxyStatus p : s.proxies()) {
            b.addProxies(io.signalbox.proto.client.ProxyStatus.newBuilder().setReport(toProto(p.report()))
                    .setLagEntries(p.lagEntries()).setReportAgeMs(p.reportAgeMs()));
        }
        return b.build();
    }

    private static StatusResult fromProto(long zxid, io.signalbox.proto.client.StatusResult s) {
        List<Member> members = new ArrayList<>(s.getMembersCount());
        for (var m : s.getMembersList()) {
            members.add(new Member(m.getId(), m.getPeerAddress(), m.getClientAddress(), m.getAdminAddress(), m.getRole(), m.getLeaderId(),
                    m.getEpoch(), m.getLastZxid(), m.getCommittedZxid(), m.getAppliedZxid(), m.getReachable(), m.getEstablished(),
                    m.getVoting()));
        }
        List<ProxyStatus> proxies = new ArrayList<>(s.getProxiesCount());
        for (var p : s.getProxiesList()) {
            proxies.add(new ProxyStatus(fromProto(p.getReport()), p.getLagEntries(), p.getReportAgeMs()));
        }
        return new StatusResult(zxid, s.getNodeId(), members, proxies, s.getProxiesNote(), s.getConfigurationZxid(),
                s.getConfigurationCommitted(), s.getClusterName());
    }
}
