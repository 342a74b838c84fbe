package io.signalbox.state.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import io.signalbox.common.Zxid;
import io.signalbox.proto.state.EventBatch;
import io.signalbox.state.StateEvent;
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

    /**
     * One client's remembered commands, as a node snapshot carries them: command {@code i} had
     * sequence {@code sequences[i]}, applied at {@code zxids[i]}, opening session {@code sessionIds[i]}
     * (0: none). The three arrays have the same length; the caller must not change them.
     */
    public record AppliedWindow(String clientId, long[] sequences, long[] zxids, long[] sessionIds) {
        public AppliedWindow {
            if (sequences.length != zxids.length || sequences.length != sessionIds.length) {
                throw new IllegalArgumentException("client " + clientId + ": " + sequences.length + " sequences, " + zxids.length
                        + " zxids and " + sessionIds.length + " session ids; they must be as many");
            }
        }

        public int size() {
            return sequences.length;
        }
    }

    /** A node snapshot's parts; {@code configuration} is null in a snapshot written before configurations were recorded. */
    public record NodeSnapshotParts(byte[] state, List<AppliedWindow> clients, MembershipCodec.ConfigurationRecord configuration) {}

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
        try {
            return EventBatchReader.read(payload);
        } catch (EventBatchReader.NotCanonical e) {
            return decodeWithGeneratedParser(zxid, payload);
        }
    }

    private static StampedEvents decodeWithGeneratedParser(long zxid, byte[] payload) {
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
    public static byte[] encodeNodeSnapshot(byte[] state, List<AppliedWindow> clients, MembershipCodec.ConfigurationRecord configuration) {
        return NodeSnapshotCodec.encode(state, clients, configuration);
    }

    /**
     * The snapshot's parts; a snapshot written record by record (before windows) gives one window
     * per run of records of the same client, in the order written.
     *
     * @throws StateCodec.MalformedStateException naming the zxid when the snapshot does not decode
     */
    public static NodeSnapshotParts decodeNodeSnapshot(long zxid, byte[] bytes) {
        return NodeSnapshotCodec.decode(zxid, bytes);
    }
}
