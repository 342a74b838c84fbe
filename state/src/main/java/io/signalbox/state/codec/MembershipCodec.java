package io.signalbox.state.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import io.signalbox.common.Zxid;
import io.signalbox.proto.node.MemberAddress;
import io.signalbox.proto.node.MemberAddressList;
import io.signalbox.proto.node.MembershipRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's half of the cluster configuration, to protobuf and back: the members' addresses
 * that a configuration entry carries as its node data, and the configuration in force that a
 * node snapshot records (ids from the core, addresses from the node).
 */
public final class MembershipCodec {
    private MembershipCodec() {}

    /** One member's addresses, host:port each (admin may be empty: a member without a status page). */
    public record MemberRecord(int id, String peerAddress, String clientAddress, String adminAddress) {}

    /** The configuration in force at a snapshot: {@code zxid} where it took effect, and every member's addresses. */
    public record ConfigurationRecord(long zxid, List<Integer> voters, List<Integer> observers, List<MemberRecord> members) {
        public ConfigurationRecord {
            voters = List.copyOf(voters);
            observers = List.copyOf(observers);
            members = List.copyOf(members);
        }
    }

    /** The node data of a configuration entry. */
    public static byte[] encodeAddresses(List<MemberRecord> members) {
        MemberAddressList.Builder list = MemberAddressList.newBuilder();
        members.forEach(m -> list.addMembers(toWire(m)));
        return list.build().toByteArray();
    }

    /** An empty blob (a configuration entry without addresses, as the simulator writes) is an empty list. */
    public static List<MemberRecord> decodeAddresses(long zxid, byte[] blob) {
        try {
            List<MemberRecord> members = new ArrayList<>();
            MemberAddressList.parseFrom(blob).getMembersList().forEach(m -> members.add(fromWire(m)));
            return members;
        } catch (InvalidProtocolBufferException e) {
            throw new StateCodec.MalformedStateException("the member addresses of configuration entry " + Zxid.format(zxid)
                    + " do not decode: " + e.getMessage(), e);
        }
    }

    static MembershipRecord toWire(ConfigurationRecord record) {
        MembershipRecord.Builder wire = MembershipRecord.newBuilder().setZxid(record.zxid()).addAllVoters(record.voters())
                .addAllObservers(record.observers());
        record.members().forEach(m -> wire.addMembers(toWire(m)));
        return wire.build();
    }

    static ConfigurationRecord fromWire(MembershipRecord wire) {
        List<MemberRecord> members = new ArrayList<>();
        wire.getMembersList().forEach(m -> members.add(fromWire(m)));
        return new ConfigurationRecord(wire.getZxid(), wire.getVotersList(), wire.getObserversList(), members);
    }

    private static MemberAddress toWire(MemberRecord m) {
        return MemberAddress.newBuilder().setId(m.id()).setPeerAddress(m.peerAddress()).setClientAddress(m.clientAddress())
                .setAdminAddress(m.adminAddress()).build();
    }

    private static MemberRecord fromWire(MemberAddress m) {
        return new MemberRecord(m.getId(), m.getPeerAddress(), m.getClientAddress(), m.getAdminAddress());
    }
}
