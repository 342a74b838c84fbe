package io.signalbox.state.codec;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.signalbox.common.Zxid;
import io.signalbox.proto.node.ClientRecord;
import io.signalbox.proto.node.ClientWindow;
import io.signalbox.proto.node.MembershipRecord;
import io.signalbox.proto.node.NodeSnapshot;
import io.signalbox.state.codec.EntryCodec.AppliedWindow;
import io.signalbox.state.codec.EntryCodec.NodeSnapshotParts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link NodeSnapshot}, written and read field by field. A node snapshots every few hundred
 * entries and its client table holds up to millions of longs: the generated builders add them to
 * growing lists one at a time, which cost most of a snapshot's time. The bytes are exactly what
 * the generated code writes (fields in number order, packed lists, empty fields left out), and
 * reading accepts whatever it would accept, packed or not.
 */
final class NodeSnapshotCodec {
    private static final int LENGTH_DELIMITED = WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private NodeSnapshotCodec() {}

    static byte[] encode(byte[] state, List<AppliedWindow> clients, MembershipCodec.ConfigurationRecord configuration) {
        MembershipRecord membership = configuration == null ? null : MembershipCodec.toWire(configuration);
        int size = state.length == 0 ? 0 : CodedOutputStream.computeByteArraySize(NodeSnapshot.STATE_FIELD_NUMBER, state);
        if (membership != null) {
            size += CodedOutputStream.computeMessageSize(NodeSnapshot.MEMBERSHIP_FIELD_NUMBER, membership);
        }
        List<WindowLayout> windows = new ArrayList<>(clients.size());
        for (AppliedWindow client : clients) {
            WindowLayout window = WindowLayout.of(client);
            windows.add(window);
            size += CodedOutputStream.computeTagSize(NodeSnapshot.CLIENT_WINDOWS_FIELD_NUMBER)
                    + CodedOutputStream.computeUInt32SizeNoTag(window.size()) + window.size();
        }
        byte[] bytes = new byte[size];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            if (state.length > 0) {
                out.writeByteArray(NodeSnapshot.STATE_FIELD_NUMBER, state);
            }
            if (membership != null) {
                out.writeMessage(NodeSnapshot.MEMBERSHIP_FIELD_NUMBER, membership);
            }
            for (WindowLayout window : windows) {
                out.writeTag(NodeSnapshot.CLIENT_WINDOWS_FIELD_NUMBER, LENGTH_DELIMITED);
                out.writeUInt32NoTag(window.size());
                window.write(out);
            }
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("a node snapshot did not fit the " + size + " bytes computed for it", e);
        }
        return bytes;
    }

    /** One window and the bytes each of its packed lists takes, counted once for sizing and writing. */
    private record WindowLayout(AppliedWindow window, int sequencesBytes, int zxidDeltasBytes, int sessionIdsBytes) {
        static WindowLayout of(AppliedWindow window) {
            int zxidDeltasBytes = 0;
            long previous = 0;
            for (long zxid : window.zxids()) {
                zxidDeltasBytes += CodedOutputStream.computeSInt64SizeNoTag(zxid - previous);
                previous = zxid;
            }
            return new WindowLayout(window, uint64Bytes(window.sequences()), zxidDeltasBytes, uint64Bytes(window.sessionIds()));
        }

        int size() {
            int size = window.clientId().isEmpty() ? 0 : CodedOutputStream.computeStringSize(ClientWindow.CLIENT_ID_FIELD_NUMBER, window.clientId());
            return size + packedSize(ClientWindow.SEQUENCES_FIELD_NUMBER, sequencesBytes)
                    + packedSize(ClientWindow.ZXID_DELTAS_FIELD_NUMBER, zxidDeltasBytes)
                    + packedSize(ClientWindow.SESSION_IDS_FIELD_NUMBER, sessionIdsBytes);
        }

        void write(CodedOutputStream out) throws IOException {
            if (!window.clientId().isEmpty()) {
                out.writeString(ClientWindow.CLIENT_ID_FIELD_NUMBER, window.clientId());
            }
            if (window.size() == 0) {
                return;
            }
            writeUInt64s(out, ClientWindow.SEQUENCES_FIELD_NUMBER, window.sequences(), sequencesBytes);
            out.writeTag(ClientWindow.ZXID_DELTAS_FIELD_NUMBER, LENGTH_DELIMITED);
            out.writeUInt32NoTag(zxidDeltasBytes);
            long previous = 0;
            for (long zxid : window.zxids()) {
                out.writeSInt64NoTag(zxid - previous);
                previous = zxid;
            }
            writeUInt64s(out, ClientWindow.SESSION_IDS_FIELD_NUMBER, window.sessionIds(), sessionIdsBytes);
        }

        private static int packedSize(int field, int valuesBytes) {
            return valuesBytes == 0 ? 0
                    : CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(valuesBytes) + valuesBytes;
        }

        private static int uint64Bytes(long[] values) {
            int bytes = 0;
            for (long value : values) {
                bytes += CodedOutputStream.computeUInt64SizeNoTag(value);
            }
            return bytes;
        }

        private static void writeUInt64s(CodedOutputStream out, int field, long[] values, int valuesBytes) throws IOException {
            out.writeTag(field, LENGTH_DELIMITED);
            out.writeUInt32NoTag(valuesBytes);
            for (long value : values) {
                out.writeUInt64NoTag(value);
            }
        }
    }

    /** @throws StateCodec.MalformedStateException naming the zxid when the snapshot does not decode */
    static NodeSnapshotParts decode(long zxid, byte[] bytes) {
        try {
            return decode(zxid, CodedInputStream.newInstance(bytes));
        } catch (IOException e) {
            throw new StateCodec.MalformedStateException("snapshot at " + Zxid.format(zxid) + " does not decode: " + e.getMessage(), e);
        }
    }

    private static NodeSnapshotParts decode(long zxid, CodedInputStream in) throws IOException {
        byte[] state = new byte[0];
        List<ClientRecord> records = new ArrayList<>();
        List<AppliedWindow> windows = new ArrayList<>();
        MembershipRecord membership = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == NodeSnapshot.STATE_FIELD_NUMBER && WireFormat.getTagWireType(tag) == LENGTH_DELIMITED) {
                state = in.readByteArray();
            } else if (field == NodeSnapshot.CLIENTS_FIELD_NUMBER && WireFormat.getTagWireType(tag) == LENGTH_DELIMITED) {
                records.add(in.readMessage(ClientRecord.parser(), ExtensionRegistryLite.getEmptyRegistry()));
            } else if (field == NodeSnapshot.MEMBERSHIP_FIELD_NUMBER && WireFormat.getTagWireType(tag) == LENGTH_DELIMITED) {
                MembershipRecord read = in.readMessage(MembershipRecord.parser(), ExtensionRegistryLite.getEmptyRegistry());
                membership = membership == null ? read : membership.toBuilder().mergeFrom(read).build(); // a repeated message merges
            } else if (field == NodeSnapshot.CLIENT_WINDOWS_FIELD_NUMBER && WireFormat.getTagWireType(tag) == LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                windows.add(readWindow(zxid, in));
                in.popLimit(limit);
            } else {
                in.skipField(tag);
            }
        }
        List<AppliedWindow> clients = new ArrayList<>(windowsOfRecords(records));
        clients.addAll(windows);
        return new NodeSnapshotParts(state, clients, membership == null ? null : MembershipCodec.fromWire(membership));
    }

    private static AppliedWindow readWindow(long zxid, CodedInputStream in) throws IOException {
        String clientId = "";
        Longs sequences = new Longs();
        Longs zxidDeltas = new Longs();
        Longs sessionIds = new Longs();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case ClientWindow.CLIENT_ID_FIELD_NUMBER -> {
                    if (WireFormat.getTagWireType(tag) == LENGTH_DELIMITED) {
                        clientId = in.readStringRequireUtf8();
                    } else {
                        in.skipField(tag);
                    }
                }
                case ClientWindow.SEQUENCES_FIELD_NUMBER -> sequences.read(in, tag, false);
                case ClientWindow.ZXID_DELTAS_FIELD_NUMBER -> zxidDeltas.read(in, tag, true);
                case ClientWindow.SESSION_IDS_FIELD_NUMBER -> sessionIds.read(in, tag, false);
                default -> in.skipField(tag);
            }
        }
        if (zxidDeltas.size != sequences.size || sessionIds.size != sequences.size) {
            throw new StateCodec.MalformedStateException("snapshot at " + Zxid.format(zxid) + ": client " + clientId + " has "
                    + sequences.size + " sequences, " + zxidDeltas.size + " zxids and " + sessionIds.size
                    + " session ids; they must be as many", null);
        }
        long[] zxids = zxidDeltas.toArray();
        for (int i = 1; i < zxids.length; i++) {
            zxids[i] += zxids[i - 1];
        }
        return new AppliedWindow(clientId, sequences.toArray(), zxids, sessionIds.toArray());
    }

    /** The longs of one repeated field, packed (sized exactly) or one value per tag (growing). */
    private static final class Longs {
        private long[] values = new long[0];
        private int size;

        void read(CodedInputStream in, int tag, boolean zigZag) throws IOException {
            int wireType = WireFormat.getTagWireType(tag);
            if (wireType == WireFormat.WIRETYPE_VARINT) {
                if (size == values.length) {
                    ensureRoom(Math.max(16, 2 * size));
                }
                values[size++] = zigZag ? in.readSInt64() : in.readUInt64();
            } else if (wireType == LENGTH_DELIMITED) {
                byte[] packed = in.readByteArray();
                int count = 0;
                for (byte b : packed) {
                    count += b >= 0 ? 1 : 0; // a varint's last byte is the one without the continuation bit
                }
                ensureRoom(size + count);
                CodedInputStream packedValues = CodedInputStream.newInstance(packed);
                while (!packedValues.isAtEnd()) {
                    if (size == values.length) {
                        throw new InvalidProtocolBufferException("a packed list ends inside a value");
                    }
                    values[size++] = zigZag ? packedValues.readSInt64() : packedValues.readUInt64();
                }
            } else {
                in.skipField(tag);
            }
        }

        private void ensureRoom(int capacity) {
            if (capacity > values.length) {
                values = Arrays.copyOf(values, capacity);
            }
        }

        long[] toArray() {
            return size == values.length ? values : Arrays.copyOf(values, size);
        }
    }

    /** A snapshot written record by record (before windows): one window per run of records of the same client. */
    private static List<AppliedWindow> windowsOfRecords(List<ClientRecord> records) {
        List<AppliedWindow> windows = new ArrayList<>();
        int runStart = 0;
        for (int i = 1; i <= records.size(); i++) {
            if (i == records.size() || !records.get(i).getClientId().equals(records.get(runStart).getClientId())) {
                List<ClientRecord> run = records.subList(runStart, i);
                windows.add(new AppliedWindow(run.get(0).getClientId(), run.stream().mapToLong(ClientRecord::getSequence).toArray(),
                        run.stream().mapToLong(ClientRecord::getZxid).toArray(), run.stream().mapToLong(ClientRecord::getSessionId).toArray()));
                runStart = i;
            }
        }
        return windows;
    }
}
