package io.signalbox.state.codec;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.signalbox.proto.state.Event;
import io.signalbox.proto.state.EventBatch;
import io.signalbox.state.Balance;
import io.signalbox.state.Grant;
import io.signalbox.state.HealthCheck;
import io.signalbox.state.IpAddress;
import io.signalbox.state.Mode;
import io.signalbox.state.Role;
import io.signalbox.state.Server;
import io.signalbox.state.ServerKey;
import io.signalbox.state.ServerState;
import io.signalbox.state.Service;
import io.signalbox.state.StateEvent;
import io.signalbox.state.codec.EntryCodec.StampedEvents;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Reads a log entry's {@link EventBatch} straight into state events, field by field. Every
 * replica decodes every committed entry, and the generated parser builds a message tree that
 * is thrown away at once: on a follower it was a tenth of the node loop.
 *
 * <p>It reads what this codebase writes (one body per event, each nested message once,
 * scalars in any order and repeated, unknown fields skipped, as the generated parser does).
 * For anything else it gives up with {@link NotCanonical} and the caller decodes with the
 * generated parser, so the result never differs from it, errors included.
 */
final class EventBatchReader {
    /** The bytes are outside what this reader handles; the generated parser decides. */
    static final class NotCanonical extends Exception {
        private static final long serialVersionUID = 1L;

        NotCanonical() {
            super(null, null, false, false);
        }
    }

    private static final int VARINT = WireFormat.WIRETYPE_VARINT;
    private static final int FIXED64 = WireFormat.WIRETYPE_FIXED64;
    private static final int DELIMITED = WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private final CodedInputStream in;

    private EventBatchReader(byte[] payload) {
        in = CodedInputStream.newInstance(payload);
    }

    static StampedEvents read(byte[] payload) throws NotCanonical {
        try {
            return new EventBatchReader(payload).batch();
        } catch (IOException | RuntimeException e) {
            throw new NotCanonical();
        }
    }

    private static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    private StampedEvents batch() throws IOException, NotCanonical {
        List<StateEvent> events = new ArrayList<>(1);
        String clientId = "";
        long clientSequence = 0;
        String identity = "";
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == tag(EventBatch.EVENTS_FIELD_NUMBER, DELIMITED)) {
                int limit = in.pushLimit(in.readRawVarint32());
                events.add(event());
                in.popLimit(limit);
            } else if (tag == tag(EventBatch.CLIENT_ID_FIELD_NUMBER, DELIMITED)) {
                clientId = in.readStringRequireUtf8();
            } else if (tag == tag(EventBatch.CLIENT_SEQUENCE_FIELD_NUMBER, VARINT)) {
                clientSequence = in.readUInt64();
            } else if (tag == tag(EventBatch.IDENTITY_FIELD_NUMBER, DELIMITED)) {
                identity = in.readStringRequireUtf8();
            } else {
                skip(tag);
            }
        }
        return new StampedEvents(events, clientId, clientSequence, identity);
    }

    private StateEvent event() throws IOException, NotCanonical {
        StateEvent body = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagWireType(tag) != DELIMITED || WireFormat.getTagFieldNumber(tag) > Event.ROLE_REVOKED_FIELD_NUMBER) {
                skip(tag);
                continue;
            }
            if (body != null) {
                throw new NotCanonical(); // a second body: the generated parser merges or replaces
            }
            int limit = in.pushLimit(in.readRawVarint32());
            body = body(WireFormat.getTagFieldNumber(tag));
            in.popLimit(limit);
        }
        if (body == null) {
            throw new NotCanonical();
        }
        return body;
    }

    private StateEvent body(int field) throws IOException, NotCanonical {
        switch (field) {
            case Event.SERVICE_PUT_FIELD_NUMBER:
                return new StateEvent.ServicePut(service());
            case Event.SERVER_REGISTERED_FIELD_NUMBER:
                return new StateEvent.ServerRegistered(server());
            case Event.SESSION_OPENED_FIELD_NUMBER: {
                long[] session = numbers(3);
                return new StateEvent.SessionOpened(session[1], (int) session[2]);
            }
            case Event.SESSION_ENDED_FIELD_NUMBER: {
                long[] ended = numbers(2);
                return new StateEvent.SessionEnded(ended[1], ended[2] != 0);
            }
            case Event.ROLE_GRANTED_FIELD_NUMBER:
            case Event.ROLE_REVOKED_FIELD_NUMBER: {
                String[] grant = texts(3);
                Grant held = new Grant(Role.parse("grant.role", grant[2]), grant[3].isEmpty() ? Grant.EVERY_SERVICE : grant[3]);
                return field == Event.ROLE_GRANTED_FIELD_NUMBER ? new StateEvent.RoleGranted(grant[1], held)
                        : new StateEvent.RoleRevoked(grant[1], held);
            }
            default:
                return serverChange(field);
        }
    }

    /**
     * The events on one server, or a service removed: up to two strings (fields 1 and 2) and one
     * varint, the removal's cascade (field 2), a weight or state (field 3); a server's
     * deregistration has none (field 0 never occurs).
     */
    private StateEvent serverChange(int field) throws IOException, NotCanonical {
        int numberField = field == Event.SERVICE_REMOVED_FIELD_NUMBER ? 2 : field == Event.SERVER_DEREGISTERED_FIELD_NUMBER ? 0 : 3;
        String first = "";
        String second = "";
        long number = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == tag(1, DELIMITED)) {
                first = in.readStringRequireUtf8();
            } else if (tag == tag(2, DELIMITED)) {
                second = in.readStringRequireUtf8();
            } else if (tag == tag(numberField, VARINT)) {
                number = in.readUInt64();
            } else {
                skip(tag);
            }
        }
        switch (field) {
            case Event.SERVICE_REMOVED_FIELD_NUMBER:
                return new StateEvent.ServiceRemoved(first, number != 0);
            case Event.SERVER_WEIGHT_SET_FIELD_NUMBER:
                return new StateEvent.ServerWeightSet(new ServerKey(first, second), (int) number);
            case Event.SERVER_STATE_SET_FIELD_NUMBER:
                return new StateEvent.ServerStateSet(new ServerKey(first, second), serverState((int) number));
            case Event.SERVER_DEREGISTERED_FIELD_NUMBER:
                return new StateEvent.ServerDeregistered(new ServerKey(first, second));
            default:
                throw new NotCanonical();
        }
    }

    private Service service() throws IOException, NotCanonical {
        String name = "";
        long[] numbers = new long[10];
        HealthCheck check = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (tag == tag(1, DELIMITED)) {
                name = in.readStringRequireUtf8();
            } else if (tag == tag(5, DELIMITED)) {
                if (check != null) {
                    throw new NotCanonical(); // a second health check merges into the first
                }
                int limit = in.pushLimit(in.readRawVarint32());
                check = healthCheck();
                in.popLimit(limit);
            } else if (tag == tag(9, FIXED64)) {
                numbers[9] = in.readFixed64();
            } else if (field >= 2 && field <= 8 && field != 5 && WireFormat.getTagWireType(tag) == VARINT) {
                numbers[field] = in.readUInt64();
            } else {
                skip(tag);
            }
        }
        int mode = (int) numbers[2];
        int balance = (int) numbers[4];
        if (mode < 1 || mode > 2 || balance < 1 || balance > Balance.values().length) {
            throw new NotCanonical();
        }
        return new Service(name, mode == 1 ? Mode.HTTP : Mode.TCP, (int) numbers[3], Balance.values()[balance - 1], check,
                (int) numbers[6], (int) numbers[7], (int) numbers[8], numbers[9]);
    }

    private HealthCheck healthCheck() throws IOException, NotCanonical {
        String path = "";
        long[] numbers = new long[5];
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (tag == tag(1, DELIMITED)) {
                path = in.readStringRequireUtf8();
            } else if (field >= 2 && field <= 4 && WireFormat.getTagWireType(tag) == VARINT) {
                numbers[field] = in.readUInt64();
            } else {
                skip(tag);
            }
        }
        return new HealthCheck(path, (int) numbers[2], (int) numbers[3], (int) numbers[4]);
    }

    private Server server() throws IOException, NotCanonical {
        String service = "";
        String name = "";
        byte[] address = new byte[0];
        long[] numbers = new long[11];
        TreeMap<String, String> labels = new TreeMap<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (tag == tag(1, DELIMITED)) {
                service = in.readStringRequireUtf8();
            } else if (tag == tag(2, DELIMITED)) {
                name = in.readStringRequireUtf8();
            } else if (tag == tag(3, DELIMITED)) {
                address = in.readByteArray();
            } else if (tag == tag(8, DELIMITED)) {
                int limit = in.pushLimit(in.readRawVarint32());
                String[] label = texts(2);
                labels.put(label[1], label[2]);
                in.popLimit(limit);
            } else if (tag == tag(10, FIXED64)) {
                numbers[10] = in.readFixed64();
            } else if (tag == tag(9, VARINT)) {
                numbers[9] = in.readUInt64();
            } else if (field >= 4 && field <= 7 && WireFormat.getTagWireType(tag) == VARINT) {
                numbers[field] = in.readUInt64();
            } else {
                skip(tag);
            }
        }
        return new Server(service, name, IpAddress.fromBytes(address), (int) numbers[4], (int) numbers[5],
                serverState((int) numbers[6]), numbers[7] != 0, labels, numbers[9], numbers[10]);
    }

    /** A message of up to {@code count} strings, fields 1 to count; element 0 is unused. */
    private String[] texts(int count) throws IOException, NotCanonical {
        String[] texts = new String[count + 1];
        java.util.Arrays.fill(texts, "");
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field <= count && WireFormat.getTagWireType(tag) == DELIMITED) {
                texts[field] = in.readStringRequireUtf8();
            } else {
                skip(tag);
            }
        }
        return texts;
    }

    /**
     * A message of varints, fields 1 to count, each read whole (a uint32 is its low 32 bits, a
     * bool is true when not zero, as the generated parser reads them); a session's fixed64
     * version (field 3) is skipped, since the event carries none. Element 0 is unused.
     */
    private long[] numbers(int count) throws IOException, NotCanonical {
        long[] numbers = new long[count + 1];
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field <= count && WireFormat.getTagWireType(tag) == VARINT) {
                numbers[field] = in.readUInt64();
            } else {
                skip(tag);
            }
        }
        return numbers;
    }

    private static ServerState serverState(int value) throws NotCanonical {
        if (value < 1 || value > ServerState.values().length) {
            throw new NotCanonical();
        }
        return ServerState.values()[value - 1];
    }

    private void skip(int tag) throws IOException, NotCanonical {
        if (!in.skipField(tag)) {
            throw new NotCanonical(); // an end-group tag
        }
    }
}
