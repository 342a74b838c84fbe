package io.signalbox.node;

import io.signalbox.consensus.ConfigurationEntry;
import io.signalbox.consensus.Membership;
import io.signalbox.consensus.Txn;
import io.signalbox.state.codec.MembershipCodec;
import io.signalbox.state.codec.MembershipCodec.MemberRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The members' addresses as this node learned them: from its bootstrap configuration, from
 * the configuration recorded in its snapshot, and from every configuration entry its log
 * holds or receives (committed or not: a member added by an entry not yet committed must be
 * reachable to acknowledge it). The core knows members by id only; this is where ids meet
 * addresses. A later entry's address for an id replaces an earlier one. Bounded: beyond
 * {@link #ADDRESSES_MAX} ids, the ones outside the configurations in use are forgotten.
 */
final class MemberDirectory {
    static final int ADDRESSES_MAX = 4 * (Membership.VOTERS_MAX + Membership.OBSERVERS_MAX);

    private final Map<Integer, NodeOptions.Member> byId = new TreeMap<>();
    /** Bumped on every change, so the host redials only when something changed. */
    private long version;
    /** What {@link #peersIfChanged} last answered from (asked after every step: no allocation when unchanged). */
    private long answeredVersion = -1;
    private long answeredInForceZxid = -1;
    private long answeredDeliveredZxid = -1;

    MemberDirectory(List<NodeOptions.Member> bootstrap) {
        bootstrap.forEach(this::put);
    }

    long version() {
        return version;
    }

    /** A configuration entry's addresses; any other txn is ignored. */
    void learn(Txn txn) {
        if (ConfigurationEntry.isConfiguration(txn.payload())) {
            learn(MembershipCodec.decodeAddresses(txn.zxid(), ConfigurationEntry.nodeBlob(txn)));
        }
    }

    void learn(List<MemberRecord> records) {
        for (MemberRecord r : records) {
            put(new NodeOptions.Member(r.id(), r.peerAddress(), r.clientAddress(), r.adminAddress()));
        }
    }

    /** Null when this node never learned {@code id}'s addresses. */
    NodeOptions.Member address(int id) {
        return byId.get(id);
    }

    /** The addresses of {@code membership}'s members that this node knows, voters first. */
    List<MemberRecord> records(Membership membership) {
        List<MemberRecord> records = new ArrayList<>();
        for (int id : membership.members()) {
            NodeOptions.Member m = byId.get(id);
            if (m != null) {
                records.add(new MemberRecord(id, m.peerAddress(), m.clientAddress(), m.adminAddress()));
            }
        }
        return records;
    }

    /** The member other than {@code except} that uses {@code address} as its peer or client address, or 0. */
    int usedBy(String address, Set<Integer> among, int except) {
        for (int id : among) {
            NodeOptions.Member m = byId.get(id);
            if (id != except && m != null && (m.peerAddress().equals(address) || m.clientAddress().equals(address))) {
                return id;
            }
        }
        return 0;
    }

    /**
     * The members of {@code inForce} and {@code delivered} but {@code selfId} whose addresses are
     * known, id to peer address; null when that is what the last call answered. None once this
     * node is a member of neither (its removal committed): the others no longer take its links.
     */
    Map<Integer, String> peersIfChanged(int selfId, Membership inForce, Membership delivered) {
        if (version == answeredVersion && inForce.zxid() == answeredInForceZxid && delivered.zxid() == answeredDeliveredZxid) {
            return null;
        }
        Set<Integer> ids = new java.util.TreeSet<>(inForce.members());
        ids.addAll(delivered.members());
        bound(ids);
        answeredVersion = version;
        answeredInForceZxid = inForce.zxid();
        answeredDeliveredZxid = delivered.zxid();
        Map<Integer, String> peers = new TreeMap<>();
        if (!ids.contains(selfId)) {
            return peers;
        }
        for (int id : ids) {
            NodeOptions.Member m = byId.get(id);
            if (id != selfId && m != null) {
                peers.put(id, m.peerAddress());
            }
        }
        return peers;
    }

    /** Forgets ids outside {@code inUse} once more than {@link #ADDRESSES_MAX} are known. */
    private void bound(Set<Integer> inUse) {
        if (byId.size() > ADDRESSES_MAX && byId.keySet().removeIf(id -> !inUse.contains(id))) {
            version++;
        }
    }

    private void put(NodeOptions.Member member) {
        NodeOptions.Member old = byId.put(member.id(), member);
        if (!member.equals(old)) {
            version++;
        }
    }
}
