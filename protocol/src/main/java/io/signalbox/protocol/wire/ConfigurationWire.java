package io.signalbox.protocol.wire;

import io.signalbox.protocol.StreamEntry;
import io.signalbox.state.Configuration;
import io.signalbox.state.Grant;
import io.signalbox.state.Server;
import io.signalbox.state.Service;
import io.signalbox.state.Session;
import io.signalbox.state.StateEvent;
import io.signalbox.state.codec.StateCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The configuration and stream entries in the client protocol: flat lists of the state's own protobuf types. */
final class ConfigurationWire {
    private ConfigurationWire() {}

    static io.signalbox.proto.client.ReadResult toProto(Configuration configuration) {
        io.signalbox.proto.client.ReadResult.Builder b = io.signalbox.proto.client.ReadResult.newBuilder().setDigest(configuration.digest());
        for (Service service : configuration.services()) {
            b.addServices(StateCodec.toProto(service));
            for (Server server : configuration.servers().getOrDefault(service.name(), List.of())) {
                b.addServers(StateCodec.toProto(server));
            }
        }
        for (Session session : configuration.sessions()) {
            b.addSessions(StateCodec.toProto(session));
        }
        return b.build();
    }

    static Configuration fromProto(long zxid, io.signalbox.proto.client.ReadResult proto) {
        List<Service> services = new ArrayList<>(proto.getServicesCount());
        Map<String, List<Server>> servers = new TreeMap<>();
        for (var service : proto.getServicesList()) {
            Service decoded = StateCodec.fromProto(service);
            services.add(decoded);
            servers.put(decoded.name(), new ArrayList<>());
        }
        for (var server : proto.getServersList()) {
            Server decoded = StateCodec.fromProto(server);
            servers.computeIfAbsent(decoded.service(), s -> new ArrayList<>()).add(decoded);
        }
        servers.replaceAll((service, list) -> List.copyOf(list));
        List<Session> sessions = new ArrayList<>(proto.getSessionsCount());
        for (var session : proto.getSessionsList()) {
            sessions.add(StateCodec.fromProto(session));
        }
        return new Configuration(zxid, List.copyOf(services), Collections.unmodifiableMap(servers), List.copyOf(sessions),
                proto.getDigest());
    }

    static io.signalbox.proto.client.Entry toProto(StreamEntry entry) {
        io.signalbox.proto.client.Entry.Builder b = io.signalbox.proto.client.Entry.newBuilder().setZxid(entry.zxid())
                .setIdentity(entry.identity());
        for (StateEvent event : entry.events()) {
            b.addEvents(StateCodec.toProto(event));
        }
        return b.build();
    }

    static StreamEntry fromProto(io.signalbox.proto.client.Entry proto) {
        List<StateEvent> events = new ArrayList<>(proto.getEventsCount());
        for (var event : proto.getEventsList()) {
            events.add(StateCodec.fromProto(event));
        }
        return new StreamEntry(proto.getZxid(), events, proto.getIdentity());
    }

    static List<io.signalbox.proto.state.RoleGrant> toProto(java.util.SortedMap<String, java.util.SortedSet<Grant>> grants) {
        List<io.signalbox.proto.state.RoleGrant> out = new ArrayList<>();
        grants.forEach((identity, held) -> held.forEach(grant -> out.add(StateCodec.toProto(identity, grant))));
        return out;
    }

    /** The access table of a read; an unknown role (a newer node's) is left out rather than failing the read. */
    static java.util.SortedMap<String, java.util.SortedSet<Grant>> grants(io.signalbox.proto.client.ReadResult proto) {
        java.util.SortedMap<String, java.util.SortedSet<Grant>> grants = new TreeMap<>();
        for (var grant : proto.getGrantsList()) {
            Grant decoded;
            try {
                decoded = StateCodec.fromProto(grant);
            } catch (io.signalbox.state.Rejection unknownRole) {
                continue; // a newer ctl shows it; this one lists what it understands
            }
            grants.computeIfAbsent(grant.getIdentity(), i -> new java.util.TreeSet<>()).add(decoded);
        }
        return Collections.unmodifiableSortedMap(grants);
    }
}
