package io.signalbox.node;

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

/** The members as this node sees them: itself in full, the others by address and whether its peer link to them is up. */
final class NodeStatus {
    private final NodeOptions options;
    private final Set<Integer> linked = new HashSet<>();

    NodeStatus(NodeOptions options) {
        this.options = options;
    }

    void linkUp(int peer) {
        linked.add(peer);
    }

    void linkLost(int peer) {
        linked.remove(peer);
    }

    /** {@code proxiesOnly}: a follower asked its leader, and only the proxies matter. */
    StatusResult result(NodeView view, long appliedZxid, boolean proxiesOnly, List<ProxyStatus> proxies, String proxiesNote) {
        List<Member> members = new ArrayList<>(options.members().size());
        if (!proxiesOnly) {
            for (NodeOptions.Member m : options.members()) {
                if (m.id() == options.id()) {
                    members.add(new Member(m.id(), m.peerAddress(), m.clientAddress(), m.adminAddress(), view.role().name(),
                            view.leaderId(), view.currentEpoch(), view.lastZxid(), view.lastDeliveredZxid(), appliedZxid, true,
                            view.established()));
                } else {
                    members.add(new Member(m.id(), m.peerAddress(), m.clientAddress(), m.adminAddress(), "", 0, 0, 0, 0, 0,
                            linked.contains(m.id()), false));
                }
            }
        }
        return new StatusResult(appliedZxid, options.id(), members, proxies, proxiesNote);
    }

    /** This node's members with the leader's answer about the proxies, or why there is none. */
    StatusResult withLeadersProxies(StatusResult local, ClientReply leaders) {
        if (leaders instanceof StatusResult answer) {
            return new StatusResult(local.zxid(), local.nodeId(), local.members(), answer.proxies(), answer.proxiesNote());
        }
        String reason = leaders instanceof ErrorReply error ? error.message() : "it answered " + leaders.getClass().getSimpleName();
        return new StatusResult(local.zxid(), local.nodeId(), local.members(), List.of(),
                "proxy reports are kept by the leader, which did not answer: " + reason);
    }
}
