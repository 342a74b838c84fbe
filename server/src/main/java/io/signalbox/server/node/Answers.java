package io.signalbox.server.node;

import io.signalbox.proto.client.Entry;
import io.signalbox.proto.client.ErrorCode;
import io.signalbox.proto.client.ReadResult;
import io.signalbox.proto.client.Response;
import io.signalbox.state.Configuration;
import io.signalbox.state.Server;
import io.signalbox.state.Service;
import io.signalbox.state.Session;
import io.signalbox.state.StateEvent;
import io.signalbox.state.codec.StateCodec;
import java.util.List;

/** Builders for the responses every request handler sends. */
final class Answers {
    private Answers() {}

    static Response error(long requestId, ErrorCode code, String message) {
        return error(requestId, code, message, "");
    }

    static Response error(long requestId, ErrorCode code, String message, String field) {
        return Response.newBuilder().setRequestId(requestId).setError(io.signalbox.proto.client.Error.newBuilder()
                .setCode(code).setMessage(message).setField(field)).build();
    }

    /** One stream or history entry: the events {@code include} accepts, as protobuf. */
    static Entry.Builder entry(long zxid, List<StateEvent> events, java.util.function.Predicate<StateEvent> include) {
        Entry.Builder entry = Entry.newBuilder().setZxid(zxid);
        for (StateEvent event : events) {
            if (include.test(event)) {
                entry.addEvents(StateCodec.toProto(event));
            }
        }
        return entry;
    }

    static ReadResult configuration(Configuration configuration, String serviceFilter) {
        ReadResult.Builder result = ReadResult.newBuilder().setDigest(configuration.digest());
        for (Service service : configuration.services()) {
            if (serviceFilter.isEmpty() || serviceFilter.equals(service.name())) {
                result.addServices(StateCodec.toProto(service));
                for (Server server : configuration.servers().getOrDefault(service.name(), List.of())) {
                    result.addServers(StateCodec.toProto(server));
                }
            }
        }
        if (serviceFilter.isEmpty()) {
            for (Session session : configuration.sessions()) {
                result.addSessions(StateCodec.toProto(session));
            }
        }
        return result.build();
    }
}
