package io.signalbox.state.codec;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.signalbox.proto.state.Event;
import io.signalbox.proto.state.EventBatch;
import io.signalbox.state.Grant;
import io.signalbox.state.HealthCheck;
import io.signalbox.state.Mode;
import io.signalbox.state.Server;
import io.signalbox.state.ServerKey;
import io.signalbox.state.Service;
import io.signalbox.state.StateEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Writes an {@link EventBatch} of state events field by field: the bytes the generated code
 * writes for {@link StateCodec#toProto(StateEvent)} (fields in number order, defaults left
 * out), without building the message tree the leader threw away after every command.
 * Each nested message is sized, then written; {@link EventBatchReader} reads them back.
 */
final class EventBatchWriter {
    private static final int DELIMITED = WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private final CodedOutputStream out;

    private EventBatchWriter(CodedOutputStream out) {
        this.out = out;
    }

    static byte[] write(List<StateEvent> events) {
        int[] bodySizes = new int[events.size()];
        int size = 0;
        for (int i = 0; i < bodySizes.length; i++) {
            StateEvent event = events.get(i);
            bodySizes[i] = bodySize(event);
            size += delimitedSize(EventBatch.EVENTS_FIELD_NUMBER, delimitedSize(bodyField(event), bodySizes[i]));
        }
        byte[] bytes = new byte[size];
        EventBatchWriter writer = new EventBatchWriter(CodedOutputStream.newInstance(bytes));
        try {
            for (int i = 0; i < bodySizes.length; i++) {
                StateEvent event = events.get(i);
                writer.header(EventBatch.EVENTS_FIELD_NUMBER, delimitedSize(bodyField(event), bodySizes[i]));
                writer.header(bodyField(event), bodySizes[i]);
                writer.body(event);
            }
            writer.out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("an event batch was sized at " + size + " bytes and did not fit them", e);
        }
        return bytes;
    }

    private static int delimitedSize(int field, int length) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
    }

    private void header(int field, int length) throws IOException {
        out.writeTag(field, DELIMITED);
        out.writeUInt32NoTag(length);
    }

    private static int bodyField(StateEvent event) {
        if (event instanceof StateEvent.ServicePut) {
            return Event.SERVICE_PUT_FIELD_NUMBER;
        } else if (event instanceof StateEvent.ServiceRemoved) {
            return Event.SERVICE_REMOVED_FIELD_NUMBER;
        } else if (event instanceof StateEvent.ServerRegistered) {
            return Event.SERVER_REGISTERED_FIELD_NUMBER;
        } else if (event instanceof StateEvent.ServerWeightSet) {
            return Event.SERVER_WEIGHT_SET_FIELD_NUMBER;
        } else if (event instanceof StateEvent.ServerStateSet) {
            return Event.SERVER_STATE_SET_FIELD_NUMBER;
        } else if (event instanceof StateEvent.ServerDeregistered) {
            return Event.SERVER_DEREGISTERED_FIELD_NUMBER;
        } else if (event instanceof StateEvent.SessionOpened) {
            return Event.SESSION_OPENED_FIELD_NUMBER;
        } else if (event instanceof StateEvent.SessionEnded) {
            return Event.SESSION_ENDED_FIELD_NUMBER;
        } else if (event instanceof StateEvent.RoleGranted) {
            return Event.ROLE_GRANTED_FIELD_NUMBER;
        }
        return Event.ROLE_REVOKED_FIELD_NUMBER;
    }

    /** The body's size; {@link #body} writes exactly these fields. */
    private static int bodySize(StateEvent event) {
        if (event instanceof StateEvent.ServicePut e) {
            return serviceSize(e.service());
        } else if (event instanceof StateEvent.ServiceRemoved e) {
            return text(1, e.name()) + flag(2, e.cascade());
        } else if (event instanceof StateEvent.ServerRegistered e) {
            return serverSize(e.server());
        } else if (event instanceof StateEvent.ServerWeightSet e) {
            return key(e.server()) + number(3, e.weight());
        } else if (event instanceof StateEvent.ServerStateSet e) {
            return key(e.server()) + number(3, e.state().ordinal() + 1);
        } else if (event instanceof StateEvent.ServerDeregistered e) {
            return key(e.server());
        } else if (event instanceof StateEvent.SessionOpened e) {
            return wide(1, e.id()) + number(2, e.timeoutMs());
        } else if (event instanceof StateEvent.SessionEnded e) {
            return wide(1, e.id()) + flag(2, e.expired());
        } else if (event instanceof StateEvent.RoleGranted e) {
            return grantSize(e.identity(), e.grant());
        }
        StateEvent.RoleRevoked e = (StateEvent.RoleRevoked) event;
        return grantSize(e.identity(), e.grant());
    }

    private void body(StateEvent event) throws IOException {
        if (event instanceof StateEvent.ServicePut e) {
            service(e.service());
        } else if (event instanceof StateEvent.ServiceRemoved e) {
            text(1, e.name(), out);
            flag(2, e.cascade(), out);
        } else if (event instanceof StateEvent.ServerRegistered e) {
            server(e.server());
        } else if (event instanceof StateEvent.ServerWeightSet e) {
            key(e.server(), out);
            number(3, e.weight(), out);
        } else if (event instanceof StateEvent.ServerStateSet e) {
            key(e.server(), out);
            number(3, e.state().ordinal() + 1, out);
        } else if (event instanceof StateEvent.ServerDeregistered e) {
            key(e.server(), out);
        } else if (event instanceof StateEvent.SessionOpened e) {
            wide(1, e.id(), out);
            number(2, e.timeoutMs(), out);
        } else if (event instanceof StateEvent.SessionEnded e) {
            wide(1, e.id(), out);
            flag(2, e.expired(), out);
        } else if (event instanceof StateEvent.RoleGranted e) {
            grant(e.identity(), e.grant());
        } else {
            StateEvent.RoleRevoked e = (StateEvent.RoleRevoked) event;
            grant(e.identity(), e.grant());
        }
    }

    /** A role granted or revoked: the same message either way. */
    private static int grantSize(String identity, Grant grant) {
        return text(1, identity) + text(2, grant.role().text()) + text(3, grant.scope());
    }

    private void grant(String identity, Grant grant) throws IOException {
        text(1, identity, out);
        text(2, grant.role().text(), out);
        text(3, grant.scope(), out);
    }

    private static int serviceSize(Service s) {
        int size = text(1, s.name()) + number(2, s.mode() == Mode.HTTP ? 1 : 2) + number(3, s.listenPort())
                + number(4, s.balance().ordinal() + 1) + number(6, s.connectTimeoutMs()) + number(7, s.clientTimeoutMs())
                + number(8, s.serverTimeoutMs()) + version(9, s.version());
        return s.healthCheck() == null ? size : size + delimitedSize(5, healthCheckSize(s.healthCheck()));
    }

    private void service(Service s) throws IOException {
        text(1, s.name(), out);
        number(2, s.mode() == Mode.HTTP ? 1 : 2, out);
        number(3, s.listenPort(), out);
        number(4, s.balance().ordinal() + 1, out);
        if (s.healthCheck() != null) {
            HealthCheck c = s.healthCheck();
            header(5, healthCheckSize(c));
            text(1, c.httpPath(), out);
            number(2, c.intervalMs(), out);
            number(3, c.rise(), out);
            number(4, c.fall(), out);
        }
        number(6, s.connectTimeoutMs(), out);
        number(7, s.clientTimeoutMs(), out);
        number(8, s.serverTimeoutMs(), out);
        version(9, s.version(), out);
    }

    private static int healthCheckSize(HealthCheck c) {
        return text(1, c.httpPath()) + number(2, c.intervalMs()) + number(3, c.rise()) + number(4, c.fall());
    }

    private static int serverSize(Server s) {
        int size = text(1, s.service()) + text(2, s.name()) + CodedOutputStream.computeByteArraySize(3, s.address().bytes())
                + number(4, s.port()) + number(5, s.weight()) + number(6, s.state().ordinal() + 1) + flag(7, s.backup())
                + wide(9, s.sessionId()) + version(10, s.version());
        for (Map.Entry<String, String> label : s.labels().entrySet()) {
            size += delimitedSize(8, text(1, label.getKey()) + text(2, label.getValue()));
        }
        return size;
    }

    private void server(Server s) throws IOException {
        text(1, s.service(), out);
        text(2, s.name(), out);
        out.writeByteArray(3, s.address().bytes());
        number(4, s.port(), out);
        number(5, s.weight(), out);
        number(6, s.state().ordinal() + 1, out);
        flag(7, s.backup(), out);
        for (Map.Entry<String, String> label : s.labels().entrySet()) {
            header(8, text(1, label.getKey()) + text(2, label.getValue()));
            text(1, label.getKey(), out);
            text(2, label.getValue(), out);
        }
        wide(9, s.sessionId(), out);
        version(10, s.version(), out);
    }

    private static int key(ServerKey key) {
        return text(1, key.service()) + text(2, key.name());
    }

    private static void key(ServerKey key, CodedOutputStream out) throws IOException {
        text(1, key.service(), out);
        text(2, key.name(), out);
    }

    // Proto3 leaves out every field at its default value; each pair below sizes and writes one kind.

    private static int text(int field, String value) {
        return value.isEmpty() ? 0 : CodedOutputStream.computeStringSize(field, value);
    }

    private static void text(int field, String value, CodedOutputStream out) throws IOException {
        if (!value.isEmpty()) {
            out.writeString(field, value);
        }
    }

    private static int number(int field, int value) {
        return value == 0 ? 0 : CodedOutputStream.computeUInt32Size(field, value);
    }

    private static void number(int field, int value, CodedOutputStream out) throws IOException {
        if (value != 0) {
            out.writeUInt32(field, value);
        }
    }

    private static int wide(int field, long value) {
        return value == 0 ? 0 : CodedOutputStream.computeUInt64Size(field, value);
    }

    private static void wide(int field, long value, CodedOutputStream out) throws IOException {
        if (value != 0) {
            out.writeUInt64(field, value);
        }
    }

    private static int flag(int field, boolean value) {
        return value ? CodedOutputStream.computeBoolSize(field, true) : 0;
    }

    private static void flag(int field, boolean value, CodedOutputStream out) throws IOException {
        if (value) {
            out.writeBool(field, true);
        }
    }

    private static int version(int field, long value) {
        return value == 0 ? 0 : CodedOutputStream.computeFixed64Size(field, value);
    }

    private static void version(int field, long value, CodedOutputStream out) throws IOException {
        if (value != 0) {
            out.writeFixed64(field, value);
        }
    }
}
