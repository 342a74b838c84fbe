package io.signalbox.node;

import io.signalbox.consensus.Membership;
import io.signalbox.consensus.NodeView;
import io.signalbox.protocol.ClientReply;
import io.signalbox.protocol.ErrorReply;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.ProxyStatus;
import io.signalbox.protocol.StatusResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The members as this node sees them: the configuration in force on it (voters, then
 * observers) with the addresses it learned, itself in full, the others by address and whether
 * its peer link to them is up. A node that is not a member of that configuration (removed, or
 * joining and not yet synced) still shows itself, as {@code none}.
 */
final class NodeStatus {
    private final int selfId;
    private final String clusterName;
    private final MemberDirectory directory;
    private final Set<Integer> linked = new HashSet<>();

    NodeStatus(int selfId, String clusterName, MemberDirectory directory) {
        this.selfId = selfId;
        this.clusterName = clusterName;
        this.directory = directory;
    }

    void linkUp(int peer) {
        linked.add(peer);
    }

    void linkLost(int peer) {
        linked.remove(peer);
    }

    /** {@code proxiesOnly}: a follower asked its leader, and only the proxies matter. */
    StatusResult result(NodeView view, Membership inForce, long appliedZxid, boolean proxiesOnly, List<ProxyStatus> proxies,
                        String proxiesNote) {
        List<Member> members = new ArrayList<>();
        if (!proxiesOnly) {
            List<Integer> ids = inForce.members();
            if (!ids.contains(selfId)) {
                ids.add(selfId);
            }
            for (int id : ids) {
                NodeOptions.Member m = directory.address(id);
                String peer = m == null ? "" : m.peerAddress();
                String client = m == null ? "" : m.clientAddress();
                String admin = m == null ? "" : m.adminAddress();
                String voting = inForce.isVoter(id) ? Member.VOTER : inForce.isMember(id) ? Member.OBSERVER : Member.NONE;
                if (id == selfId) {
                    members.add(new Member(id, peer, client, admin, view.role().name(), view.leaderId(), view.currentEpoch(),
                            view.lastZxid(), view.lastDeliveredZxid(), appliedZxid, true, view.established(), voting));
                } else {
                    members.add(new Member(id, peer, client, admin, "", 0, 0, 0, 0, 0, linked.contains(id), false, voting));
                }
            }
        }
        return new StatusResult(appliedZxid, selfId, members, proxies, proxiesNote, inForce.zxid(),
                view.lastDeliveredZxid() >= inForce.zxid(), clusterName);
    }

    /** This node's members with the leader's answer about the proxies, or why there is none. */
    StatusResult withLeadersProxies(StatusResult local, ClientReply leaders) {
        if (leaders instanceof StatusResult answer) {
            return local.withProxies(answer.proxies(), answer.proxiesNote());
        }
        String reason = leaders instanceof ErrorReply error ? error.message() : "it answered " + leaders.getClass().getSimpleName();
        return local.withProxies(List.of(), "proxy reports are kept by the leader, which did not answer: " + reason);
    }
}
