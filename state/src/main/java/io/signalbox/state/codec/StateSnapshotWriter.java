package io.signalbox.state.codec;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import com.google.protobuf.WireFormat;
import io.signalbox.proto.state.StateSnapshot;
import io.signalbox.state.Grant;
import io.signalbox.state.Server;
import io.signalbox.state.Service;
import io.signalbox.state.Session;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.function.Function;

/**
 * Writes a {@link StateSnapshot}, reusing each entity's encoding from the previous snapshot when
 * the entity is the same object. Entities are immutable and a change replaces the object, so
 * between two snapshots only the changed ones are encoded again: a node snapshots every few
 * hundred entries, and most entities do not change in between. The bytes are exactly the
 * generated code's (fields in number order). Not thread-safe: the state's owner calls it.
 */
public final class StateSnapshotWriter {
    private IdentityHashMap<Object, byte[]> previous = new IdentityHashMap<>();
    private IdentityHashMap<Object, byte[]> current = new IdentityHashMap<>();

    /** @param servers every service's servers, in order (a service's servers follow one another) */
    public byte[] write(long zxid, long nextSessionId, Iterable<Service> services, Iterable<Server> servers,
                        Iterable<Session> sessions, Map<String, SortedSet<Grant>> grants) {
        List<byte[]> serviceBytes = encodeAll(services, s -> StateCodec.toProto(s));
        List<byte[]> serverBytes = encodeAll(servers, s -> StateCodec.toProto(s));
        List<byte[]> sessionBytes = encodeAll(sessions, s -> StateCodec.toProto(s));
        List<byte[]> grantBytes = new ArrayList<>();
        grants.forEach((identity, held) -> held.forEach(grant -> grantBytes.add(StateCodec.toProto(identity, grant).toByteArray())));
        IdentityHashMap<Object, byte[]> written = current;
        current = previous;
        current.clear();
        previous = written; // what this snapshot encoded is what the next one may reuse

        int size = (zxid == 0 ? 0 : CodedOutputStream.computeFixed64Size(StateSnapshot.ZXID_FIELD_NUMBER, zxid))
                + (nextSessionId == 0 ? 0 : CodedOutputStream.computeUInt64Size(StateSnapshot.NEXT_SESSION_ID_FIELD_NUMBER, nextSessionId))
                + repeatedSize(StateSnapshot.SERVICES_FIELD_NUMBER, serviceBytes) + repeatedSize(StateSnapshot.SERVERS_FIELD_NUMBER, serverBytes)
                + repeatedSize(StateSnapshot.SESSIONS_FIELD_NUMBER, sessionBytes) + repeatedSize(StateSnapshot.GRANTS_FIELD_NUMBER, grantBytes);
        byte[] bytes = new byte[size];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            if (zxid != 0) {
                out.writeFixed64(StateSnapshot.ZXID_FIELD_NUMBER, zxid);
            }
            if (nextSessionId != 0) {
                out.writeUInt64(StateSnapshot.NEXT_SESSION_ID_FIELD_NUMBER, nextSessionId);
            }
            writeRepeated(out, StateSnapshot.SERVICES_FIELD_NUMBER, serviceBytes);
            writeRepeated(out, StateSnapshot.SERVERS_FIELD_NUMBER, serverBytes);
            writeRepeated(out, StateSnapshot.SESSIONS_FIELD_NUMBER, sessionBytes);
            writeRepeated(out, StateSnapshot.GRANTS_FIELD_NUMBER, grantBytes);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("a state snapshot did not fit the " + size + " bytes computed for it", e);
        }
        return bytes;
    }

    private <T> List<byte[]> encodeAll(Iterable<T> entities, Function<T, MessageLite> toProto) {
        List<byte[]> encoded = new ArrayList<>();
        for (T entity : entities) {
            byte[] bytes = previous.get(entity);
            if (bytes == null) {
                bytes = toProto.apply(entity).toByteArray();
            }
            current.put(entity, bytes);
            encoded.add(bytes);
        }
        return encoded;
    }

    private static int repeatedSize(int field, List<byte[]> messages) {
        int size = 0;
        for (byte[] message : messages) {
            size += CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(message.length) + message.length;
        }
        return size;
    }

    private static void writeRepeated(CodedOutputStream out, int field, List<byte[]> messages) throws IOException {
        for (byte[] message : messages) {
            out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(message.length);
            out.writeRawBytes(message);
        }
    }
}
