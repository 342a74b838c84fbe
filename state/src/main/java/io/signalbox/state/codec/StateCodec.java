package io.signalbox.state.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.signalbox.proto.state.Event;
import io.signalbox.proto.state.EventBatch;
import io.signalbox.proto.state.Label;
import io.signalbox.proto.state.ServerRef;
import io.signalbox.proto.state.StateSnapshot;
import io.signalbox.state.Balance;
import io.signalbox.state.Configuration;
import io.signalbox.state.HealthCheck;
import io.signalbox.state.IpAddress;
import io.signalbox.state.Mode;
import io.signalbox.state.Server;
import io.signalbox.state.ServerKey;
import io.signalbox.state.ServerState;
import io.signalbox.state.Service;
import io.signalbox.state.Session;
import io.signalbox.state.StateEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Events and snapshots to protobuf and back; the only place in state/ that sees generated types. */
public final class StateCodec {
    private StateCodec() {}

    /** Thrown when bytes from the log or a snapshot are not a valid encoding; names what is wrong. */
    public static final class MalformedStateException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MalformedStateException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The bytes of an {@link EventBatch} of these events, as the generated code writes them. */
    public static byte[] encodeEvents(List<StateEvent> events) {
        return EventBatchWriter.write(events);
    }

    public static List<StateEvent> decodeEvents(byte[] bytes) {
        try {
            return EventBatchReader.read(bytes).events();
        } catch (EventBatchReader.NotCanonical e) {
            // the generated parser decides, and names what is wrong
        }
        EventBatch batch;
        try {
            batch = EventBatch.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedStateException("an event batch of " + bytes.length + " bytes does not decode: " + e.getMessage(), e);
        }
        return decodeEvents(batch);
    }

    /** The events of an already parsed batch (a node reads the client stamp from the same batch). */
    public static List<StateEvent> decodeEvents(EventBatch batch) {
        try {
            List<StateEvent> events = new ArrayList<>(batch.getEventsCount());
            for (Event event : batch.getEventsList()) {
                events.add(fromProto(event));
            }
            return events;
        } catch (RuntimeException e) {
            throw new MalformedStateException("an event batch of " + batch.getEventsCount() + " events does not decode: "
                    + e.getMessage(), e);
        }
    }

    public static StateSnapshot.Builder snapshotBuilder(long zxid, long nextSessionId) {
        return StateSnapshot.newBuilder().setZxid(zxid).setNextSessionId(nextSessionId);
    }

    /**
     * A snapshot of a configuration received from a node (a stream snapshot), for
     * {@link io.signalbox.state.LbStateMachine#restore}: a sync agent's view starts from it.
     * It carries no session counter, which only the cluster's own replicas need.
     */
    public static byte[] snapshotOf(Configuration configuration) {
        StateSnapshot.Builder snapshot = snapshotBuilder(configuration.zxid(), 0);
        for (Service service : configuration.services()) {
            snapshot.addServices(toProto(service));
            for (Server server : configuration.servers().getOrDefault(service.name(), List.of())) {
                snapshot.addServers(toProto(server));
            }
        }
        for (Session session : configuration.sessions()) {
            snapshot.addSessions(toProto(session));
        }
        return snapshot.build().toByteArray();
    }

    public static StateSnapshot parseSnapshot(byte[] bytes) {
        try {
            return StateSnapshot.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedStateException("a snapshot of " + bytes.length + " bytes does not decode: " + e.getMessage(), e);
        }
    }

    public static Event toProto(StateEvent event) {
        Event.Builder out = Event.newBuilder();
        if (event instanceof StateEvent.ServicePut e) {
            out.setServicePut(toProto(e.service()));
        } else if (event instanceof StateEvent.ServiceRemoved e) {
            out.setServiceRemoved(io.signalbox.proto.state.ServiceRemoved.newBuilder().setName(e.name()).setCascade(e.cascade()));
        } else if (event instanceof StateEvent.ServerRegistered e) {
            out.setServerRegistered(toProto(e.server()));
        } else if (event instanceof StateEvent.ServerWeightSet e) {
            out.setServerWeightSet(io.signalbox.proto.state.ServerWeightSet.newBuilder().setService(e.server().service())
                    .setName(e.server().name()).setWeight(e.weight()));
        } else if (event instanceof StateEvent.ServerStateSet e) {
            out.setServerStateSet(io.signalbox.proto.state.ServerStateSet.newBuilder().setService(e.server().service())
                    .setName(e.server().name()).setState(toProto(e.state())));
        } else if (event instanceof StateEvent.ServerDeregistered e) {
            out.setServerDeregistered(ServerRef.newBuilder().setService(e.server().service()).setName(e.server().name()));
        } else if (event instanceof StateEvent.SessionOpened e) {
            out.setSessionOpened(io.signalbox.proto.state.Session.newBuilder().setId(e.id()).setTimeoutMs(e.timeoutMs()));
        } else if (event instanceof StateEvent.SessionEnded e) {
            out.setSessionEnded(io.signalbox.proto.state.SessionEnded.newBuilder().setId(e.id()).setExpired(e.expired()));
        } else if (event instanceof StateEvent.RoleGranted e) {
            out.setRoleGranted(toProto(e.identity(), e.grant()));
        } else if (event instanceof StateEvent.RoleRevoked e) {
            out.setRoleRevoked(toProto(e.identity(), e.grant()));
        }
        return out.build();
    }

    public static StateEvent fromProto(Event event) {
        switch (event.getBodyCase()) {
            case SERVICE_PUT:
                return new StateEvent.ServicePut(fromProto(event.getServicePut()));
            case SERVICE_REMOVED:
                return new StateEvent.ServiceRemoved(event.getServiceRemoved().getName(), event.getServiceRemoved().getCascade());
            case SERVER_REGISTERED:
                return new StateEvent.ServerRegistered(fromProto(event.getServerRegistered()));
            case SERVER_WEIGHT_SET: {
                var e = event.getServerWeightSet();
                return new StateEvent.ServerWeightSet(new ServerKey(e.getService(), e.getName()), e.getWeight());
            }
            case SERVER_STATE_SET: {
                var e = event.getServerStateSet();
                return new StateEvent.ServerStateSet(new ServerKey(e.getService(), e.getName()), fromProto(e.getState()));
            }
            case SERVER_DEREGISTERED:
                return new StateEvent.ServerDeregistered(new ServerKey(event.getServerDeregistered().getService(),
                        event.getServerDeregistered().getName()));
            case SESSION_OPENED:
                return new StateEvent.SessionOpened(event.getSessionOpened().getId(), event.getSessionOpened().getTimeoutMs());
            case SESSION_ENDED:
                return new StateEvent.SessionEnded(event.getSessionEnded().getId(), event.getSessionEnded().getExpired());
            case ROLE_GRANTED:
                return new StateEvent.RoleGranted(event.getRoleGranted().getIdentity(), fromProto(event.getRoleGranted()));
            case ROLE_REVOKED:
                return new StateEvent.RoleRevoked(event.getRoleRevoked().getIdentity(), fromProto(event.getRoleRevoked()));
            default:
                throw new IllegalArgumentException("event with no body (" + event.getBodyCase() + ")");
        }
    }

    public static io.signalbox.proto.state.RoleGrant toProto(String identity, io.signalbox.state.Grant grant) {
        return io.signalbox.proto.state.RoleGrant.newBuilder().setIdentity(identity).setRole(grant.role().text())
                .setScope(grant.scope()).build();
    }

    /** @throws io.signalbox.state.Rejection when the role is unknown (a newer writer) */
    public static io.signalbox.state.Grant fromProto(io.signalbox.proto.state.RoleGrant g) {
        return new io.signalbox.state.Grant(io.signalbox.state.Role.parse("grant.role", g.getRole()),
                g.getScope().isEmpty() ? io.signalbox.state.Grant.EVERY_SERVICE : g.getScope());
    }

    public static io.signalbox.proto.state.Service toProto(Service s) {
        io.signalbox.proto.state.Service.Builder out = io.signalbox.proto.state.Service.newBuilder().setName(s.name())
                .setMode(s.mode() == Mode.HTTP ? io.signalbox.proto.state.Mode.HTTP : io.signalbox.proto.state.Mode.TCP)
                .setListenPort(s.listenPort()).setBalanceValue(s.balance().ordinal() + 1)
                .setConnectTimeoutMs(s.connectTimeoutMs()).setClientTimeoutMs(s.clientTimeoutMs())
                .setServerTimeoutMs(s.serverTimeoutMs()).setVersion(s.version());
        if (s.healthCheck() != null) {
            HealthCheck c = s.healthCheck();
            out.setHealthCheck(io.signalbox.proto.state.HealthCheck.newBuilder().setHttpPath(c.httpPath())
                    .setIntervalMs(c.intervalMs()).setRise(c.rise()).setFall(c.fall()));
        }
        return out.build();
    }

    public static Service fromProto(io.signalbox.proto.state.Service s) {
        if (s.getModeValue() < 1 || s.getModeValue() > 2 || s.getBalanceValue() < 1 || s.getBalanceValue() > Balance.values().length) {
            throw new IllegalArgumentException("service " + s.getName() + " has an unknown mode or balance");
        }
        HealthCheck check = s.hasHealthCheck() ? new HealthCheck(s.getHealthCheck().getHttpPath(), s.getHealthCheck().getIntervalMs(),
                s.getHealthCheck().getRise(), s.getHealthCheck().getFall()) : null;
        return new Service(s.getName(), s.getModeValue() == 1 ? Mode.HTTP : Mode.TCP, s.getListenPort(),
                Balance.values()[s.getBalanceValue() - 1], check, s.getConnectTimeoutMs(), s.getClientTimeoutMs(),
                s.getServerTimeoutMs(), s.getVersion());
    }

    public static io.signalbox.proto.state.Server toProto(Server s) {
        io.signalbox.proto.state.Server.Builder out = io.signalbox.proto.state.Server.newBuilder().setService(s.service())
                .setName(s.name()).setAddress(ByteString.copyFrom(s.address().bytes())).setPort(s.port()).setWeight(s.weight())
                .setState(toProto(s.state())).setBackup(s.backup()).setSessionId(s.sessionId()).setVersion(s.version());
        s.labels().forEach((key, value) -> out.addLabels(Label.newBuilder().setKey(key).setValue(value)));
        return out.build();
    }

    public static Server fromProto(io.signalbox.proto.state.Server s) {
        TreeMap<String, String> labels = new TreeMap<>();
        for (Label label : s.getLabelsList()) {
            labels.put(label.getKey(), label.getValue());
        }
        return new Server(s.getService(), s.getName(), IpAddress.fromBytes(s.getAddress().toByteArray()), s.getPort(),
                s.getWeight(), fromProto(s.getState()), s.getBackup(), labels, s.getSessionId(), s.getVersion());
    }

    public static io.signalbox.proto.state.Session toProto(Session s) {
        return io.signalbox.proto.state.Session.newBuilder().setId(s.id()).setTimeoutMs(s.timeoutMs()).setVersion(s.version()).build();
    }

    public static Session fromProto(io.signalbox.proto.state.Session s) {
        return new Session(s.getId(), s.getTimeoutMs(), s.getVersion());
    }

    private static io.signalbox.proto.state.ServerState toProto(ServerState state) {
        return switch (state) {
            case READY -> io.signalbox.proto.state.ServerState.READY;
            case DRAIN -> io.signalbox.proto.state.ServerState.DRAIN;
            case MAINT -> io.signalbox.proto.state.ServerState.MAINT;
        };
    }

    private static ServerState fromProto(io.signalbox.proto.state.ServerState state) {
        return switch (state) {
            case READY -> ServerState.READY;
            case DRAIN -> ServerState.DRAIN;
            case MAINT -> ServerState.MAINT;
            default -> throw new IllegalArgumentException("unknown server state " + state);
        };
    }
}
