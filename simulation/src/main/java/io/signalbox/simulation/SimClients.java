package io.signalbox.simulation;

import io.signalbox.common.Zxid;
import io.signalbox.protocol.ClientRequest;
import io.signalbox.protocol.CommandRequest;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.ErrorReply;
import io.signalbox.protocol.ReadRequest;
import io.signalbox.protocol.ReadResult;
import io.signalbox.protocol.Request;
import io.signalbox.protocol.Response;
import io.signalbox.simulation.history.Op;
import io.signalbox.state.Command;
import io.signalbox.state.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The simulated clients, which go through the node's real request path as the Java client
 * does: each has its own client id and numbers its commands; one request in flight at a
 * time; a request that times out or is refused as retryable (NOT_LEADER, UNAVAILABLE, BUSY,
 * TIMEOUT) is sent again, a command with the same sequence, through another node, so the
 * client table must apply it at most once; LOCAL reads carry the highest zxid the client has
 * seen. Besides configuration churn they use a few servers of the service {@link #SERVICE}
 * as registers (the port is the value), with writes, compare-and-sets (expectVersion) and
 * LOCAL and LINEARIZABLE reads, recorded as a history for the linearizability checker.
 */
final class SimClients {
    static final int CLIENTS = 4;
    static final String SERVICE = "registers";
    static final int KEYS = 3;
    /** A client gives up on a node and tries another after this many ticks without an answer. */
    static final long ATTEMPT_TIMEOUT_TICKS = 40;
    /** Ports are values: unique per key, 2..65535. */
    private static final int VALUE_MAX = 65_535;

    /** A request to carry to {@code node} on the client's connection there. */
    record Send(int client, int node, long connectionId, Request request) {}

    /** What an answer meant to its client. */
    enum Outcome { ACKNOWLEDGED, REFUSED, READ, RETRY, STALE }

    /** The request a client waits on, and what it means for the history. */
    private static final class Pending {
        final ClientRequest body;
        final long invokedAt;
        final Op.Kind kind; // null: a configuration command, outside the history
        final String key;
        final long value;
        final long expected;
        long requestId;
        boolean setUp;

        Pending(ClientRequest body, long invokedAt, Op.Kind kind, String key, long value, long expected) {
            this.body = body;
            this.invokedAt = invokedAt;
            this.kind = kind;
            this.key = key;
            this.value = value;
            this.expected = expected;
        }
    }

    private static final class Client {
        final int index;
        final String clientId;
        long sequence;
        int node;
        Pending pending;
        long lastSeenZxid;
        final long[] lastValue = new long[KEYS];
        final long[] lastVersion = new long[KEYS];

        Client(int index, String clientId, int node) {
            this.index = index;
            this.clientId = clientId;
            this.node = node;
        }
    }

    private final SplittableRandom random;
    private final int nodes;
    private final List<Client> clients = new ArrayList<>();
    private final List<Op> history = new ArrayList<>();
    private final long[] nextValue = new long[KEYS];
    private boolean setUpSent;
    private boolean setUp;
    private long nextRequestId = 1;
    private long nextOpId = 1;
    private long acknowledged;
    private long retries;

    /** @param sharedClientId the bug switch: every client uses one client id (each numbering from 1) */
    SimClients(SplittableRandom random, int nodes, boolean sharedClientId) {
        this.random = random;
        this.nodes = nodes;
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(new Client(i, sharedClientId ? "sim-client" : "sim-client-" + i, 1 + random.nextInt(nodes)));
        }
        java.util.Arrays.fill(nextValue, 2);
    }

    /** A new request from an idle client ({@code configuration} when it changes the configuration), or null when all wait. */
    Send next(Command configuration, long now) {
        List<Client> idle = clients.stream().filter(c -> c.pending == null).toList();
        if (idle.isEmpty()) {
            return null;
        }
        Client client = idle.get(random.nextInt(idle.size()));
        if (!setUpSent) {
            setUpSent = true;
            client.pending = new Pending(command(client, setUpCommand()), now, null, null, 0, 0);
            client.pending.setUp = true;
        } else if (!setUp || random.nextBoolean()) {
            client.pending = new Pending(command(client, configuration), now, null, null, 0, 0);
        } else {
            client.pending = registerOperation(client, now);
        }
        return attempt(client);
    }

    private static Command setUpCommand() {
        List<Command> commands = new ArrayList<>();
        commands.add(new Command.PutService(SERVICE, "tcp", 9_000, "roundrobin", null, 1_000, 1_000, 1_000, null));
        for (int k = 0; k < KEYS; k++) {
            commands.add(register(k, 1, null));
        }
        return new Command.Multi(commands);
    }

    private static Command.RegisterServer register(int k, long value, Long expectVersion) {
        return new Command.RegisterServer(SERVICE, "k" + k, "10.0.0.1", (int) value, 1, "ready", false, Map.of(), 0, expectVersion);
    }

    private CommandRequest command(Client client, Command command) {
        return new CommandRequest(client.clientId, ++client.sequence, command);
    }

    private Pending registerOperation(Client client, long now) {
        int k = random.nextInt(KEYS);
        String key = "k" + k;
        int dice = random.nextInt(100);
        if (dice < 60 && nextValue[k] < VALUE_MAX) {
            long value = nextValue[k]++;
            if (dice < 20 && client.lastVersion[k] != 0) {
                return new Pending(command(client, register(k, value, client.lastVersion[k])), now, Op.Kind.CAS, key, value,
                        client.lastValue[k]);
            }
            return new Pending(command(client, register(k, value, null)), now, Op.Kind.WRITE, key, value, 0);
        }
        Consistency consistency = dice < 85 ? Consistency.LINEARIZABLE : Consistency.LOCAL;
        return new Pending(new ReadRequest(consistency, client.lastSeenZxid, SERVICE, 0), now, Op.Kind.READ, key, 0, 0);
    }

    /** The pending request of {@code client} again, through another node. */
    Send retry(int clientIndex) {
        Client client = clients.get(clientIndex);
        if (client.pending == null) {
            return null;
        }
        retries++;
        client.node = 1 + (client.node + random.nextInt(nodes - 1)) % nodes;
        return attempt(client);
    }

    private Send attempt(Client client) {
        client.pending.requestId = nextRequestId++;
        return new Send(client.index, client.node, connectionId(client.index), new Request(client.pending.requestId, client.pending.body));
    }

    /** True when the attempt {@code requestId} of {@code clientIndex} still waits: it timed out. */
    boolean stillWaiting(int clientIndex, long requestId) {
        Client client = clients.get(clientIndex);
        return client.pending != null && client.pending.requestId == requestId;
    }

    /** When the client first sent what it waits for (-1: nothing). */
    long sentAt(int clientIndex) {
        Pending pending = clients.get(clientIndex).pending;
        return pending == null ? -1 : pending.invokedAt;
    }

    /** An answer reached its client at {@code now}; recorded in the history when it is a register operation. */
    Outcome answered(int clientIndex, Response response, long now) {
        Client client = clients.get(clientIndex);
        Pending pending = client.pending;
        if (pending == null || response.requestId() != pending.requestId) {
            return Outcome.STALE; // the answer to an attempt the client gave up on
        }
        if (response.reply() instanceof ErrorReply error && error.code().retryable()) {
            return Outcome.RETRY;
        }
        client.pending = null;
        client.lastSeenZxid = Math.max(client.lastSeenZxid, response.reply().zxid());
        if (response.reply() instanceof ReadResult read) {
            recordRead(client, pending, read, now);
            return Outcome.READ;
        }
        boolean committed = response.reply() instanceof CommandResult;
        if (pending.kind == null) {
            if (pending.setUp) {
                if (committed) {
                    setUp = true;
                } else {
                    setUpSent = false; // refused (the service exists from a run's restart?): the next client tries again
                }
            }
        } else {
            boolean conflict = response.reply() instanceof ErrorReply error && error.code() == ErrorCode.CONFLICT;
            history.add(new Op(nextOpId++, client.index, pending.key, pending.kind, committed ? Op.Outcome.OK : Op.Outcome.FAIL,
                    pending.value, pending.expected, committed ? response.reply().zxid() : 0, pending.invokedAt, now));
            if (committed) {
                int k = Integer.parseInt(pending.key.substring(1));
                client.lastValue[k] = pending.value;
                client.lastVersion[k] = response.reply().zxid();
            } else if (!conflict) {
                history.remove(history.size() - 1); // refused as invalid: it certainly did not happen, and tells nothing
            }
        }
        if (committed) {
            acknowledged++;
            return Outcome.ACKNOWLEDGED;
        }
        return Outcome.REFUSED;
    }

    private void recordRead(Client client, Pending pending, ReadResult read, long now) {
        ReadRequest request = (ReadRequest) pending.body;
        if (read.zxid() < request.minZxid()) {
            throw new Violation("reads-go-back", "client " + client.index + " read the configuration as of " + Zxid.format(read.zxid())
                    + " after it had seen " + Zxid.format(request.minZxid()) + " (" + request.consistency() + ")");
        }
        int k = Integer.parseInt(pending.key.substring(1));
        Server server = read.configuration().servers().getOrDefault(SERVICE, List.of()).stream()
                .filter(s -> s.name().equals(pending.key)).findFirst().orElse(null);
        long value = server == null ? 0 : server.port();
        long version = server == null ? 0 : server.version();
        if (version < client.lastVersion[k] && request.consistency() == Consistency.LOCAL) {
            throw new Violation("reads-go-back", "client " + client.index + " read " + pending.key + " at version "
                    + Zxid.format(version) + " after it had seen version " + Zxid.format(client.lastVersion[k]));
        }
        client.lastValue[k] = value;
        client.lastVersion[k] = version;
        if (request.consistency() == Consistency.LINEARIZABLE) {
            history.add(new Op(nextOpId++, client.index, pending.key, Op.Kind.READ, Op.Outcome.OK, value, 0, version,
                    pending.invokedAt, now));
        }
    }

    /**
     * The history as the checker takes it: every answered operation, and every write still
     * waiting as one whose outcome is unknown (it may have applied, or never will).
     */
    List<Op> history() {
        List<Op> all = new ArrayList<>(history);
        for (Client client : clients) {
            Pending pending = client.pending;
            if (pending != null && pending.kind != null && pending.kind != Op.Kind.READ) {
                all.add(new Op(nextOpId++, client.index, pending.key, pending.kind, Op.Outcome.INFO, pending.value, pending.expected,
                        0, pending.invokedAt, Long.MAX_VALUE));
            }
        }
        return all;
    }

    /** Every register's value before the history starts. */
    static Map<String, Long> initialValues() {
        Map<String, Long> initial = new java.util.HashMap<>();
        for (int k = 0; k < KEYS; k++) {
            initial.put("k" + k, 1L);
        }
        return initial;
    }

    static int clientOf(long connectionId) {
        return (int) connectionId - 1;
    }

    static long connectionId(int clientIndex) {
        return clientIndex + 1;
    }

    long acknowledged() {
        return acknowledged;
    }

    long retries() {
        return retries;
    }
}
