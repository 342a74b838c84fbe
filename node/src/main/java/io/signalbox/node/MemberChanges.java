package io.signalbox.node;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Membership;
import io.signalbox.consensus.MembershipChange;
import io.signalbox.consensus.MembershipResult;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.HostPort;
import io.signalbox.protocol.MemberChangeRequest;
import io.signalbox.protocol.Response;
import io.signalbox.state.codec.MembershipCodec;
import io.signalbox.state.codec.MembershipCodec.MemberRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Member changes on the established leader (adding a voter or an observer, removing either,
 * promoting an observer): checks the addresses, builds the new member table
 * (the configuration entry's node data: every member's addresses) and proposes it to the core,
 * which refuses what would break the one-voter-at-a-time rule; the answer goes out once the
 * entry committed. A retried add of a member already there with the same addresses, a
 * retried remove of a member this node knew and the configuration no longer has, or a retried
 * promote of a member that is a voter now, is answered as done, so a client that lost the first answer (a leader that removed itself steps down as it
 * commits) does not see a refusal for its own change.
 */
final class MemberChanges {
    private static final Logger LOG = LoggerFactory.getLogger(MemberChanges.class);

    private final int nodeId;
    private final Node node;
    private final MemberDirectory directory;
    private final Commands commands;

    MemberChanges(int nodeId, Node node, MemberDirectory directory, Commands commands) {
        this.nodeId = nodeId;
        this.node = node;
        this.directory = directory;
        this.commands = commands;
    }

    void change(long requestId, MemberChangeRequest request, Responder responder) {
        if (request.id() <= 0) {
            responder.respond(Response.error(requestId, ErrorCode.INVALID, "member id " + request.id() + ": ids are positive", "id"));
            return;
        }
        Membership inForce = node.membership();
        List<MemberRecord> table = directory.records(inForce);
        boolean committed = node.committedZxid() >= inForce.zxid();
        int id = request.id();
        MembershipChange change;
        switch (request.change()) {
            case MemberChangeRequest.ADD, MemberChangeRequest.ADD_OBSERVER -> {
                String problem = addressProblem(request, inForce);
                if (problem != null) {
                    responder.respond(Response.error(requestId, ErrorCode.INVALID, problem, "address"));
                    return;
                }
                boolean observer = MemberChangeRequest.ADD_OBSERVER.equals(request.change());
                NodeOptions.Member known = directory.address(id);
                boolean there = observer ? inForce.observers().contains(id) : inForce.isVoter(id);
                if (there && known != null && known.peerAddress().equals(request.peerAddress())
                        && known.clientAddress().equals(request.clientAddress()) && committed) {
                    responder.respond(new Response(requestId, new CommandResult(inForce.zxid(), 0))); // a retry of a change that applied
                    return;
                }
                table.removeIf(r -> r.id() == id);
                table.add(new MemberRecord(id, request.peerAddress(), request.clientAddress(), request.adminAddress()));
                change = observer ? MembershipChange.addObserver(id) : MembershipChange.addVoter(id);
            }
            case MemberChangeRequest.REMOVE -> {
                if (!inForce.isMember(id) && directory.address(id) != null && committed) {
                    responder.respond(new Response(requestId, new CommandResult(inForce.zxid(), 0))); // removed already: a retry
                    return;
                }
                table.removeIf(r -> r.id() == id);
                change = inForce.observers().contains(id) ? MembershipChange.removeObserver(id) : MembershipChange.removeVoter(id);
            }
            case MemberChangeRequest.PROMOTE -> {
                if (inForce.isVoter(id) && committed) {
                    responder.respond(new Response(requestId, new CommandResult(inForce.zxid(), 0))); // a voter already: a retry
                    return;
                }
                change = MembershipChange.promoteObserver(id); // the core checks its lag
            }
            default -> {
                responder.respond(Response.error(requestId, ErrorCode.INVALID, "change \"" + request.change() + "\" is not one of "
                        + String.join(", ", MemberChangeRequest.CHANGES), "change"));
                return;
            }
        }
        MembershipResult result = node.proposeMembership(change, MembershipCodec.encodeAddresses(table));
        if (result instanceof MembershipResult.Accepted accepted) {
            LOG.info("node {}: proposed {} at {}: voters {}, observers {} once it commits", nodeId, change,
                    Zxid.format(accepted.zxid()), accepted.membership().voters(), accepted.membership().observers());
            commands.awaitCommit(accepted.zxid(), requestId, responder);
        } else if (result instanceof MembershipResult.Refused refused) {
            LOG.warn("node {}: refused {}: {}", nodeId, change, refused.message());
            responder.respond(Response.error(requestId, codeOf(refused.reason()), refused.message(), "id"));
        }
    }

    /** Null when the add's addresses are host:port and no other member uses them; else what is wrong, naming the value. */
    private String addressProblem(MemberChangeRequest request, Membership inForce) {
        for (String address : List.of(request.peerAddress(), request.clientAddress(), request.adminAddress())) {
            try {
                HostPort.parse(address);
            } catch (IllegalArgumentException e) {
                return "member " + request.id() + ": " + (address.isEmpty() ? "a peer, a client and an admin address (host:port) "
                        + "are needed" : e.getMessage());
            }
        }
        if (request.peerAddress().equals(request.clientAddress())) {
            return "member " + request.id() + ": peer and client address are both " + request.peerAddress();
        }
        Set<Integer> members = new HashSet<>(inForce.members());
        for (String address : List.of(request.peerAddress(), request.clientAddress())) {
            int user = directory.usedBy(address, members, request.id());
            if (user != 0) {
                return "member " + request.id() + ": address " + address + " is already member " + user + "'s";
            }
        }
        return null;
    }

    private static ErrorCode codeOf(MembershipResult.Reason reason) {
        switch (reason) {
            case NOT_LEADER:
                return ErrorCode.UNAVAILABLE;
            case BUSY:
                return ErrorCode.BUSY;
            case TOO_LARGE:
                return ErrorCode.TOO_LARGE;
            case CHANGE_IN_PROGRESS:
            case LAGGING:
                return ErrorCode.CONFLICT; // the state, not the request: the same request may pass later
            default:
                return ErrorCode.INVALID;
        }
    }
}
