package io.signalbox.node;

import io.signalbox.protocol.ClientRequest;
import io.signalbox.protocol.CommandRequest;
import io.signalbox.protocol.MemberChangeRequest;
import io.signalbox.protocol.ProxyReport;
import io.signalbox.state.Command;
import io.signalbox.state.Grant;
import io.signalbox.state.Role;
import io.signalbox.state.StateView;
import java.util.SortedSet;
import java.util.stream.Collectors;

/**
 * Who may do what: the request's identity against the configured admins and the replicated
 * access table, read at request time (so a revoked identity is refused from its next request,
 * with no connection state to invalidate). A refusal names the identity, what it tried and
 * what it lacks. Pure: the caller answers and logs.
 */
final class Authorizer {
    static final String ANONYMOUS = Access.ANONYMOUS;

    private final Access access;

    Authorizer(Access access) {
        this.access = access;
    }

    /** Null when {@code identity} may send {@code request}, else why not. */
    String refusal(String identity, ClientRequest request, StateView view) {
        if (access.everyoneAdmin()) {
            return null;
        }
        if (identity.equals(Access.ADMIN_PORT)) {
            return request instanceof CommandRequest || request instanceof ProxyReport || request instanceof MemberChangeRequest
                    ? "the admin port is read-only" : null;
        }
        if (identity.equals(ANONYMOUS) && !access.anonymousAllowed()) {
            return "anonymous may not " + tried(request) + ": this node takes requests only from a client certificate or a token "
                    + "(ctl --cert/--key or --token-file; docs/security.md)";
        }
        SortedSet<Grant> held = view.grantsOf(identity);
        if (access.admins().contains(identity) || held.contains(Grant.of(Role.ADMIN))) {
            return null;
        }
        if (request instanceof CommandRequest command) {
            return commandRefusal(identity, command.command(), held);
        }
        if (request instanceof MemberChangeRequest) {
            return refused(identity, tried(request), "admin", held);
        }
        Role needed = request instanceof ProxyReport ? Role.REPORT : Role.READ;
        boolean allowed = needed == Role.REPORT ? held.contains(Grant.of(Role.REPORT))
                : held.stream().anyMatch(g -> g.role() == Role.READ || g.role() == Role.OPERATE);
        return allowed ? null : refused(identity, tried(request), needed.text(), held);
    }

    /** Who may read, as an immutable predicate for other threads: the admins, and every identity in the table that may. */
    java.util.function.Predicate<String> readers(java.util.Set<String> identitiesWithGrants, StateView view) {
        if (access.everyoneAdmin()) {
            return identity -> true;
        }
        java.util.Set<String> readers = new java.util.HashSet<>(access.admins());
        io.signalbox.protocol.ReadRequest read = new io.signalbox.protocol.ReadRequest(io.signalbox.protocol.Consistency.LOCAL, 0, "", 0);
        for (String identity : identitiesWithGrants) {
            if (refusal(identity, read, view) == null) {
                readers.add(identity);
            }
        }
        java.util.Set<String> copy = java.util.Set.copyOf(readers);
        return copy::contains;
    }

    private String commandRefusal(String identity, Command command, SortedSet<Grant> held) {
        if (command instanceof Command.Multi multi) {
            for (Command inner : multi.commands()) {
                String refusal = commandRefusal(identity, inner, held);
                if (refusal != null) {
                    return refusal + " (in a multi: nothing of it applied)";
                }
            }
            return null;
        }
        String service = serviceOf(command);
        if (service != null) {
            return held.stream().anyMatch(g -> g.operates(service)) ? null
                    : refused(identity, CommandText.of(command), "operate on " + service, held);
        }
        if (isSessionCommand(command)) {
            return held.stream().anyMatch(g -> g.role() == Role.OPERATE) ? null
                    : refused(identity, CommandText.of(command), "operate (on any service)", held);
        }
        return refused(identity, CommandText.of(command), "admin", held);
    }

    /** The service whose servers a command changes; null for commands that are not about one service's servers. */
    private static String serviceOf(Command command) {
        if (command instanceof Command.RegisterServer c) {
            return c.service();
        } else if (command instanceof Command.SetWeight c) {
            return c.service();
        } else if (command instanceof Command.SetState c) {
            return c.service();
        } else if (command instanceof Command.DeregisterServer c) {
            return c.service();
        }
        return null;
    }

    private static boolean isSessionCommand(Command command) {
        return command instanceof Command.OpenSession || command instanceof Command.KeepAlive || command instanceof Command.CloseSession;
    }

    private static String refused(String identity, String tried, String needed, SortedSet<Grant> held) {
        return identity + " may not " + tried + ": that needs " + needed + ", and " + identity + " holds "
                + (held.isEmpty() ? "no role" : held.stream().map(Grant::text).collect(Collectors.joining(", ")))
                + " (an admin grants it: ctl acl grant " + identity + " ...)";
    }

    private static String tried(ClientRequest request) {
        if (request instanceof CommandRequest command) {
            return CommandText.of(command.command());
        } else if (request instanceof ProxyReport report) {
            return "report what proxy agent " + report.agentId() + " applied";
        } else if (request instanceof io.signalbox.protocol.SubscribeRequest) {
            return "watch the configuration";
        } else if (request instanceof io.signalbox.protocol.HistoryRequest) {
            return "read the history";
        } else if (request instanceof MemberChangeRequest change) {
            return change.change() + " member " + change.id();
        } else if (request instanceof io.signalbox.protocol.StatusRequest) {
            return "read the status";
        }
        return "read the configuration";
    }
}
