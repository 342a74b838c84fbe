package io.signalbox.state;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Turns a command into the events it causes, against a view of the current state, or
 * refuses it with a {@link Rejection} naming field, value and rule. Never changes the view.
 */
final class Preparer {
    private final Limits limits;

    Preparer(Limits limits) {
        this.limits = limits;
    }

    List<StateEvent> prepare(StateView view, Command command) {
        if (command instanceof Command.Multi multi) {
            return prepareMulti(view, multi);
        }
        return prepareOne(view, command, "");
    }

    private List<StateEvent> prepareMulti(StateView view, Command.Multi multi) {
        if (multi.commands() == null || multi.commands().isEmpty() || multi.commands().size() > limits.commandsPerMultiMax()) {
            throw new Rejection("multi.commands", (multi.commands() == null ? 0 : multi.commands().size())
                    + " commands: a multi holds 1.." + limits.commandsPerMultiMax());
        }
        Overlay overlay = new Overlay(view);
        List<StateEvent> all = new ArrayList<>();
        for (int i = 0; i < multi.commands().size(); i++) {
            Command command = multi.commands().get(i);
            String prefix = "multi.commands[" + i + "].";
            if (command instanceof Command.Multi || command instanceof Command.ExpireSession) {
                throw new Rejection(prefix + "type", command.getClass().getSimpleName() + " cannot be part of a multi");
            }
            List<StateEvent> events = prepareOne(overlay, command, prefix);
            for (StateEvent event : events) {
                EventApplier.apply(overlay, 0, event);
            }
            all.addAll(events);
        }
        return all;
    }

    private List<StateEvent> prepareOne(StateView view, Command command, String prefix) {
        try {
            return dispatch(view, command);
        } catch (Rejection rejection) {
            throw prefix.isEmpty() ? rejection : rejection.under(prefix);
        }
    }

    private List<StateEvent> dispatch(StateView view, Command command) {
        if (command instanceof Command.PutService c) {
            return putService(view, c);
        } else if (command instanceof Command.RemoveService c) {
            Service service = existingService(view, "service.name", c.name());
            expect("service.expectVersion", "service " + c.name(), service.version(), c.expectVersion());
            int servers = view.serversOf(c.name()).size();
            if (servers > 0 && !c.cascade()) {
                throw new Rejection("service.cascade", "service " + c.name() + " still has " + servers
                        + " servers: deregister them first, or remove with cascade");
            }
            return List.of(new StateEvent.ServiceRemoved(c.name(), c.cascade()));
        } else if (command instanceof Command.RegisterServer c) {
            return registerServer(view, c);
        } else if (command instanceof Command.SetWeight c) {
            Server server = existingServer(view, c.service(), c.name(), c.expectVersion());
            return List.of(new StateEvent.ServerWeightSet(server.key(), Validation.weight("server.weight", c.weight())));
        } else if (command instanceof Command.SetState c) {
            Server server = existingServer(view, c.service(), c.name(), c.expectVersion());
            return List.of(new StateEvent.ServerStateSet(server.key(), Validation.choice("server.state", c.state(), ServerState.class)));
        } else if (command instanceof Command.DeregisterServer c) {
            Server server = existingServer(view, c.service(), c.name(), c.expectVersion());
            return List.of(new StateEvent.ServerDeregistered(server.key()));
        } else if (command instanceof Command.OpenSession c) {
            Validation.range("session.timeoutMs", c.timeoutMs(), limits.sessionTimeoutMsMin(), limits.sessionTimeoutMsMax(), " ms");
            if (view.sessionCount() >= limits.sessionsMax()) {
                throw new Rejection("session", "the limit of " + limits.sessionsMax() + " open sessions is reached");
            }
            return List.of(new StateEvent.SessionOpened(view.nextSessionId(), c.timeoutMs()));
        } else if (command instanceof Command.KeepAlive c) {
            existingSession(view, c.sessionId());
            return List.of();
        } else if (command instanceof Command.CloseSession c) {
            existingSession(view, c.sessionId());
            return List.of(new StateEvent.SessionEnded(c.sessionId(), false));
        } else if (command instanceof Command.ExpireSession c) {
            existingSession(view, c.sessionId());
            return List.of(new StateEvent.SessionEnded(c.sessionId(), true));
        } else if (command instanceof Command.GrantRole c) {
            return AccessRules.grant(view, c);
        } else if (command instanceof Command.RevokeRole c) {
            return AccessRules.revoke(view, c);
        }
        throw new Rejection("command", "unknown command " + command);
    }

    private List<StateEvent> putService(StateView view, Command.PutService c) {
        String name = Validation.name("service.name", c.name());
        Mode mode = Validation.choice("service.mode", c.mode(), Mode.class);
        int port = Validation.port("service.listenPort", c.listenPort());
        Balance balance = Validation.choice("service.balance", c.balance(), Balance.class);
        HealthCheck check = Validation.healthCheck("service.healthCheck", c.healthCheck(), mode, limits);
        int connect = Validation.range("service.connectTimeoutMs", c.connectTimeoutMs(), 1, limits.timeoutMsMax(), " ms");
        int client = Validation.range("service.clientTimeoutMs", c.clientTimeoutMs(), 1, limits.timeoutMsMax(), " ms");
        int server = Validation.range("service.serverTimeoutMs", c.serverTimeoutMs(), 1, limits.timeoutMsMax(), " ms");
        Service existing = view.service(name);
        expect("service.expectVersion", "service " + name, existing == null ? 0 : existing.version(), c.expectVersion());
        String onPort = view.serviceOnPort(port);
        if (onPort != null && !onPort.equals(name)) {
            throw new Rejection("service.listenPort", port + " is already used by service " + onPort);
        }
        if (existing == null && view.serviceCount() >= limits.servicesMax()) {
            throw new Rejection("service", "the limit of " + limits.servicesMax() + " services is reached");
        }
        return List.of(new StateEvent.ServicePut(new Service(name, mode, port, balance, check, connect, client, server, 0)));
    }

    private List<StateEvent> registerServer(StateView view, Command.RegisterServer c) {
        Validation.name("server.service", c.service());
        existingService(view, "server.service", c.service());
        String name = Validation.name("server.name", c.name());
        IpAddress address = IpAddress.parse("server.address", c.address());
        int port = Validation.port("server.port", c.port());
        int weight = Validation.weight("server.weight", c.weight());
        ServerState state = c.state() == null ? ServerState.READY : Validation.choice("server.state", c.state(), ServerState.class);
        Validation.labels("server.labels", c.labels(), limits);
        if (c.sessionId() != 0) {
            existingSession(view, c.sessionId());
        }
        ServerKey key = new ServerKey(c.service(), name);
        Server existing = view.server(key);
        refuseAnotherOwner(existing, c.sessionId());
        expect("server.expectVersion", "server " + key, existing == null ? 0 : existing.version(), c.expectVersion());
        if (existing == null && view.serversOf(c.service()).size() >= limits.serversPerServiceMax()) {
            throw new Rejection("server", "service " + c.service() + " has reached the limit of " + limits.serversPerServiceMax() + " servers");
        }
        return List.of(new StateEvent.ServerRegistered(new Server(c.service(), name, address, port, weight, state, c.backup(),
                c.labels() == null ? new TreeMap<>() : new TreeMap<>(c.labels()), c.sessionId(), 0)));
    }

    /**
     * An ephemeral server belongs to its session until that session ends (its servers leave with
     * it): a second sidecar, a restarted one whose old session has not expired yet, or a
     * sessionless {@code ctl server add} must not take it over, or the first owner's expiry
     * would remove a server someone else now keeps alive. A permanent server has no owner and
     * may be adopted by a session. Deregistering stays open to anyone (the operator's way out).
     */
    private static void refuseAnotherOwner(Server existing, long sessionId) {
        if (existing == null || existing.sessionId() == 0 || existing.sessionId() == sessionId) {
            return;
        }
        throw new Rejection("server.name", "server " + existing.key() + " is already registered by live session " + existing.sessionId()
                + " (ephemeral; " + (sessionId == 0 ? "this command has no session" : "this command's session is " + sessionId)
                + "): only session " + existing.sessionId() + " may register it again; it leaves when that session closes or expires,"
                + " or remove it first (ctl server rm " + existing.service() + " " + existing.name() + ")");
    }

    private static Service existingService(StateView view, String field, String name) {
        Service service = view.service(name);
        if (service == null) {
            throw new Rejection(field, "service " + Rejection.quote(name) + " does not exist");
        }
        return service;
    }

    private static Server existingServer(StateView view, String service, String name, Long expectVersion) {
        Validation.name("server.service", service);
        Validation.name("server.name", name);
        ServerKey key = new ServerKey(service, name);
        Server server = view.server(key);
        if (server == null) {
            throw new Rejection("server", "server " + key + " does not exist");
        }
        expect("server.expectVersion", "server " + key, server.version(), expectVersion);
        return server;
    }

    private static Session existingSession(StateView view, long id) {
        Session session = view.session(id);
        if (session == null) {
            throw new Rejection("session.id", id + " is not an open session");
        }
        return session;
    }

    /** Conditional writes: null is unconditional, 0 means "must not exist", else versions must match. */
    private static void expect(String field, String what, long actual, Long expected) {
        if (expected == null || expected == actual) {
            return;
        }
        throw new Rejection.Conflict(field, what + " has version " + formatVersion(actual) + ", expected " + formatVersion(expected));
    }

    static String formatVersion(long version) {
        return version == 0 ? "0 (absent)" : (version >>> 32) + ":" + (version & 0xffffffffL);
    }
}
