package io.signalbox.protocol.wire;

import io.signalbox.proto.client.HealthCheckSpec;
import io.signalbox.proto.state.Label;
import io.signalbox.state.Command;
import io.signalbox.state.HealthCheck;
import io.signalbox.state.Rejection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Commands between the state module's records and the client protocol's protobuf. Values pass
 * through as typed (the leader validates them); only the shape is checked here: a
 * command with no body, or a multi inside a multi, is refused naming the field.
 */
public final class CommandWire {
    /** Commands in one multi, at most (the state's own limit is checked again by the leader). */
    public static final int MULTI_COMMANDS_MAX = 1_000;

    private CommandWire() {}

    public static io.signalbox.proto.client.Command toProto(Command command) {
        io.signalbox.proto.client.Command.Builder b = io.signalbox.proto.client.Command.newBuilder();
        if (command instanceof Command.PutService c) {
            io.signalbox.proto.client.PutService.Builder p = io.signalbox.proto.client.PutService.newBuilder()
                    .setName(c.name()).setMode(nullToEmpty(c.mode())).setListenPort(c.listenPort())
                    .setBalance(nullToEmpty(c.balance())).setConnectTimeoutMs(c.connectTimeoutMs())
                    .setClientTimeoutMs(c.clientTimeoutMs()).setServerTimeoutMs(c.serverTimeoutMs());
            if (c.healthCheck() != null) {
                HealthCheck h = c.healthCheck();
                p.setHealthCheck(HealthCheckSpec.newBuilder().setHttpPath(nullToEmpty(h.httpPath()))
                        .setIntervalMs(h.intervalMs()).setRise(h.rise()).setFall(h.fall()));
            }
            b.setPutService(p);
            expect(b, c.expectVersion());
        } else if (command instanceof Command.RemoveService c) {
            b.setRemoveService(io.signalbox.proto.client.RemoveService.newBuilder().setName(c.name()).setCascade(c.cascade()));
            expect(b, c.expectVersion());
        } else if (command instanceof Command.RegisterServer c) {
            io.signalbox.proto.client.RegisterServer.Builder r = io.signalbox.proto.client.RegisterServer.newBuilder()
                    .setService(c.service()).setName(c.name()).setAddress(nullToEmpty(c.address())).setPort(c.port())
                    .setWeight(c.weight()).setState(nullToEmpty(c.state())).setBackup(c.backup()).setSessionId(c.sessionId());
            if (c.labels() != null) {
                new TreeMap<>(c.labels()).forEach((k, v) -> r.addLabels(Label.newBuilder().setKey(k).setValue(v)));
            }
            b.setRegisterServer(r);
            expect(b, c.expectVersion());
        } else if (command instanceof Command.SetWeight c) {
            b.setSetWeight(io.signalbox.proto.client.SetWeight.newBuilder().setService(c.service()).setName(c.name()).setWeight(c.weight()));
            expect(b, c.expectVersion());
        } else if (command instanceof Command.SetState c) {
            b.setSetState(io.signalbox.proto.client.SetState.newBuilder().setService(c.service()).setName(c.name()).setState(nullToEmpty(c.state())));
            expect(b, c.expectVersion());
        } else if (command instanceof Command.DeregisterServer c) {
            b.setDeregisterServer(io.signalbox.proto.client.DeregisterServer.newBuilder().setService(c.service()).setName(c.name()));
            expect(b, c.expectVersion());
        } else if (command instanceof Command.OpenSession c) {
            b.setOpenSession(io.signalbox.proto.client.OpenSession.newBuilder().setTimeoutMs(c.timeoutMs()));
        } else if (command instanceof Command.KeepAlive c) {
            b.setKeepAlive(io.signalbox.proto.client.KeepAlive.newBuilder().setSessionId(c.sessionId()));
        } else if (command instanceof Command.CloseSession c) {
            b.setCloseSession(io.signalbox.proto.client.CloseSession.newBuilder().setSessionId(c.sessionId()));
        } else if (command instanceof Command.Multi c) {
            io.signalbox.proto.client.Multi.Builder m = io.signalbox.proto.client.Multi.newBuilder();
            for (Command inner : c.commands()) {
                m.addCommands(toProto(inner));
            }
            b.setMulti(m);
        } else if (command instanceof Command.GrantRole c) {
            b.setGrantRole(io.signalbox.proto.client.GrantRole.newBuilder().setIdentity(nullToEmpty(c.identity()))
                    .setRole(nullToEmpty(c.role())).setScope(nullToEmpty(c.scope())));
        } else if (command instanceof Command.RevokeRole c) {
            b.setRevokeRole(io.signalbox.proto.client.RevokeRole.newBuilder().setIdentity(nullToEmpty(c.identity()))
                    .setRole(nullToEmpty(c.role())).setScope(nullToEmpty(c.scope())));
        } else {
            throw new Rejection("command", "clients cannot send " + command.getClass().getSimpleName());
        }
        return b.build();
    }

    /** @throws Rejection naming the field when the command has no body or nests a multi */
    public static Command fromProto(io.signalbox.proto.client.Command c) {
        return fromProto(c, true);
    }

    private static Command fromProto(io.signalbox.proto.client.Command c, boolean multiAllowed) {
        Long expect = c.hasExpectVersion() ? c.getExpectVersion() : null;
        switch (c.getBodyCase()) {
            case PUT_SERVICE: {
                var p = c.getPutService();
                HealthCheck health = p.hasHealthCheck() ? new HealthCheck(p.getHealthCheck().getHttpPath(),
                        p.getHealthCheck().getIntervalMs(), p.getHealthCheck().getRise(), p.getHealthCheck().getFall()) : null;
                return new Command.PutService(p.getName(), p.getMode(), p.getListenPort(), p.getBalance(), health,
                        p.getConnectTimeoutMs(), p.getClientTimeoutMs(), p.getServerTimeoutMs(), expect);
            }
            case REMOVE_SERVICE:
                return new Command.RemoveService(c.getRemoveService().getName(), c.getRemoveService().getCascade(), expect);
            case REGISTER_SERVER: {
                var r = c.getRegisterServer();
                Map<String, String> labels = new TreeMap<>();
                for (Label label : r.getLabelsList()) {
                    labels.put(label.getKey(), label.getValue());
                }
                return new Command.RegisterServer(r.getService(), r.getName(), r.getAddress(), r.getPort(), r.getWeight(),
                        r.getState(), r.getBackup(), labels, r.getSessionId(), expect);
            }
            case SET_WEIGHT:
                return new Command.SetWeight(c.getSetWeight().getService(), c.getSetWeight().getName(), c.getSetWeight().getWeight(), expect);
            case SET_STATE:
                return new Command.SetState(c.getSetState().getService(), c.getSetState().getName(), c.getSetState().getState(), expect);
            case DEREGISTER_SERVER:
                return new Command.DeregisterServer(c.getDeregisterServer().getService(), c.getDeregisterServer().getName(), expect);
            case OPEN_SESSION:
                return new Command.OpenSession(c.getOpenSession().getTimeoutMs());
            case KEEP_ALIVE:
                return new Command.KeepAlive(c.getKeepAlive().getSessionId());
            case CLOSE_SESSION:
                return new Command.CloseSession(c.getCloseSession().getSessionId());
            case MULTI: {
                if (!multiAllowed) {
                    throw new Rejection("command.multi", "a multi cannot contain another multi");
                }
                int count = c.getMulti().getCommandsCount();
                if (count > MULTI_COMMANDS_MAX) {
                    throw new Rejection("command.multi", count + " commands: at most " + MULTI_COMMANDS_MAX);
                }
                List<Command> inner = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    try {
                        inner.add(fromProto(c.getMulti().getCommands(i), false));
                    } catch (Rejection e) {
                        throw e.under("command.multi[" + i + "].");
                    }
                }
                return new Command.Multi(inner);
            }
            case GRANT_ROLE:
                return new Command.GrantRole(c.getGrantRole().getIdentity(), c.getGrantRole().getRole(), c.getGrantRole().getScope());
            case REVOKE_ROLE:
                return new Command.RevokeRole(c.getRevokeRole().getIdentity(), c.getRevokeRole().getRole(), c.getRevokeRole().getScope());
            default:
                throw new Rejection("command", "missing: the request names no command");
        }
    }

    private static void expect(io.signalbox.proto.client.Command.Builder b, Long expectVersion) {
        if (expectVersion != null) {
            b.setExpectVersion(expectVersion);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
