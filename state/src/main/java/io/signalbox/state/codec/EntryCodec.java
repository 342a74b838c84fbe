package io.signalbox.state.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.signalbox.common.Zxid;
import io.signalbox.proto.node.ClientRecord;
import io.signalbox.proto.node.NodeSnapshot;
import io.signalbox.proto.state.EventBatch;
import io.signalbox.state.StateEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * What a node writes into log entries and snapshots, to protobuf and back, so the node itself
 * stays free of generated types: an entry is an event batch stamped with the client id and
 * sequence that caused it; a node snapshot is the state machine's snapshot plus the table of
 * commands each client had applied.
 */
public final class EntryCodec {
    private EntryCodec() {}

    /** A decoded log entry: its events, the client command that produced them (empty id: none), and who caused it. */
    public record StampedEvents(List<StateEvent> events, String clientId, long clientSequence, String identity) {}

    /** One remembered command of a client, as a node snapshot carries it. */
    public record AppliedCommand(String clientId, long sequence, long zxid, long sessionId) {}

    /** A node snapshot's parts; {@code configuration} is null in a snapshot written before configurations were recorded. */
    public record NodeSnapshotParts(byte[] state, List<AppliedCommand> clients, MembershipCodec.ConfigurationRecord configuration) {}

    /**
     * The entry's payload: {@code eventBatch} with the client's id and sequence and the identity
     * that caused it added (concatenated protobuf messages merge).
     */
    public static byte[] stamp(byte[] eventBatch, String clientId, long sequence, String identity) {
        if (clientId.isEmpty() && identity.isEmpty()) {
            return eventBatch;
        }
        byte[] stamp = EventBatch.newBuilder().setClientId(clientId).setClientSequence(clientId.isEmpty() ? 0 : sequence)
                .setIdentity(identity).build().toByteArray();
        byte[] stamped = new byte[eventBatch.length + stamp.length];
        System.arraycopy(eventBatch, 0, stamped, 0, eventBatch.length);
        System.arraycopy(stamp, 0, stamped, eventBatch.length, stamp.length);
        return stamped;
    }

    /** @throws StateCodec.MalformedStateException naming the zxid when the committed entry does not decode */
    public static StampedEvents decodeEntry(long zxid, byte[] payload) {
        EventBatch batch;
        try {
            batch = EventBatch.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new StateCodec.MalformedStateException("committed entry " + Zxid.format(zxid) + " does not decode: "
                    + e.getMessage(), e);
        }
        return new StampedEvents(StateCodec.decodeEvents(batch), batch.getClientId(), batch.getClientSequence(),
                batch.getIdentity());
    }

    /** {@code configuration} may be null: a snapshot the node's core has not told the configuration of yet. */
    public static byte[] encodeNodeSnapshot(byte[] state, List<AppliedCommand> clients, MembershipCodec.ConfigurationRecord configuration) {
        NodeSnapshot.Builder snapshot = NodeSnapshot.newBuilder().setState(ByteString.copyFrom(state));
        if (configuration != null) {
            snapshot.setMembership(MembershipCodec.toWire(configuration));
        }
        for (AppliedCommand c : clients) {
            snapshot.addClients(ClientRecord.newBuilder().setClientId(c.clientId()).setSequence(c.sequence()).setZxid(c.zxid())
                    .setSessionId(c.sessionId()));
        }
        return snapshot.build().toByteArray();
    }

    /** @throws StateCodec.MalformedStateException naming the zxid when the snapshot does not decode */
    public static NodeSnapshotParts decodeNodeSnapshot(long zxid, byte[] bytes) {
        NodeSnapshot snapshot;
        try {
            snapshot = NodeSnapshot.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new StateCodec.MalformedStateException("snapshot at " + Zxid.format(zxid) + " does not decode: " + e.getMessage(), e);
        }
        List<AppliedCommand> clients = new ArrayList<>(snapshot.getClientsCount());
        for (ClientRecord r : snapshot.getClientsList()) {
            clients.add(new AppliedCommand(r.getClientId(), r.getSequence(), r.getZxid(), r.getSessionId()));
        }
        return new NodeSnapshotParts(snapshot.getState().toByteArray(), clients,
                snapshot.hasMembership() ? MembershipCodec.fromWire(snapshot.getMembership()) : null);
    }
}
