package io.signalbox.node;

import io.signalbox.consensus.Effect;
import io.signalbox.consensus.NodeView;
import io.signalbox.consensus.ProposeResult;
import io.signalbox.consensus.Role;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import io.signalbox.consensus.ZabCore;
import io.signalbox.protocol.ClientRequest;
import io.signalbox.protocol.CommandRequest;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.HistoryRequest;
import io.signalbox.protocol.MemberChangeRequest;
import io.signalbox.protocol.ProxyReport;
import io.signalbox.protocol.ReadRequest;
import io.signalbox.protocol.Request;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.StatusRequest;
import io.signalbox.protocol.SubscribeRequest;
import io.signalbox.state.LbStateMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Signalbox node, deterministic: the ZAB core, the replicated state and the whole request
 * layer (commands with the client table, reads, sessions, forwarding, subscriptions, proxy
 * reports) in one single-threaded object. Inputs are ticks, peer messages, client requests,
 * storage completions and what the host knows of its links and connections; outputs are
 * {@link NodeEffect}s, in the order the host must carry them out. No threads, clocks, sockets
 * or disks inside: the server hosts it on its loop thread with Netty and RocksDB, the simulator
 * with a simulated network, disk and clock. Not thread-safe: one thread calls everything.
 */
public final class Node {
    private final NodeOptions options;
    private final ZabCore core;
    private final ReplicatedState state;
    private final Reads reads;
    private final Commands commands;
    private final Subscribers subscribers;
    private final ProxyReports proxyReports;
    private final Forwarding forwarding;
    private final NodeStatus status;
    private final MemberDirectory directory;
    private final MemberChanges memberChanges;
    private final Authorizer authorizer;
    private final List<NodeEffect> effects = new ArrayList<>();
    private long ticks;
    private final SnapshotSchedule snapshots;
    private int leaderId;
    private boolean leadingEstablished;
    private boolean grantsMayHaveChanged = true;

    /**
     * A node whose core was recovered from {@code snapshot} (genesis for a new node) and the log
     * after it. {@code incarnation} is drawn at random for each start: this start's forward ids
     * begin from it, so a leader's late answer to a forward of an earlier start (one that was
     * still on its way when the process died) never matches a forward of this one.
     */
    public Node(NodeOptions options, ZabCore core, Snapshot snapshot, long incarnation) {
        this.options = options;
        this.core = core;
        this.state = new ReplicatedState(options.historyEntriesMax(), snapshot);
        this.snapshots = new SnapshotSchedule(options.snapshotEveryEntries(), snapshot.zxid());
        this.reads = new Reads(this, options.requestTimeoutTicks(), options.unsafeLinearizableReads());
        this.authorizer = new Authorizer(options.access());
        this.commands = new Commands(options.id(), this, options.tickMs(), options.requestTimeoutTicks(), reads, options.unsafeRefusals(),
                authorizer);
        this.subscribers = new Subscribers(options.id());
        this.proxyReports = new ProxyReports(options.id());
        this.forwarding = new Forwarding(options.id(), options.requestTimeoutTicks(), incarnation);
        this.directory = new MemberDirectory(options.members());
        if (state.restoredConfiguration() != null) {
            directory.learn(state.restoredConfiguration().members());
        }
        core.configurationTxns().forEach(directory::learn);
        this.memberChanges = new MemberChanges(options.id(), this, directory, commands);
        this.status = new NodeStatus(options.id(), options.clusterName(), directory);
        drain(); // what the core does on start (an election's first votes) is in the first takeEffects
    }

    // ---- inputs ----

    public void tick() {
        ticks++;
        core.tick();
        commands.tick(leadingEstablished);
        reads.tick();
        forwarding.tick();
        drain();
    }

    public void receive(int from, PeerMessage message) {
        if (message instanceof PeerMessage.Zab zab) {
            core.receive(from, zab.message());
        } else if (message instanceof PeerMessage.Forward forward) {
            handle(forward.forwardId(), forward.request(), new Responder.Forwarded(effects, from, forward.forwardId()), true, null);
        } else if (message instanceof PeerMessage.ForwardReply reply) {
            forwarding.replied(from, reply.forwardId(), reply.reply());
        }
        drain();
    }

    /** A request on a connection with no certificate and no token: see {@link #request(long, String, Request)}. */
    public void request(long connectionId, Request request) {
        request(connectionId, Authorizer.ANONYMOUS, request);
    }

    /**
     * A client's request on this node's connection {@code connectionId} (any id but 0), from
     * {@code identity} as the host established it (the certificate's CN, the token's name, or
     * {@code anonymous}); whatever identity the request itself carries is replaced by it.
     */
    public void request(long connectionId, String identity, Request request) {
        if (connectionId == 0) {
            throw new IllegalArgumentException("connection id 0 is reserved for forwarded requests");
        }
        if (identity == null || identity.isEmpty()) {
            throw new IllegalArgumentException("a request needs an identity (anonymous when the connection showed none)");
        }
        handle(request.requestId(), request.body(), new Responder.Local(effects, connectionId), false, identity);
        drain();
    }

    /** Storage made every {@link NodeEffect.Durable} write up to {@code writeId} durable (one report may cover many). */
    public void written(long writeId) {
        core.written(writeId);
        drain();
    }

    /**
     * Storage wrote the {@link NodeEffect.TakeSnapshot} at {@code zxid} durably: the core may now
     * drop the txns it covers. A report for any other snapshot (an older one, or one a crash
     * or a snapshot from the leader overtook) changes nothing.
     */
    public void snapshotWritten(long zxid) {
        Snapshot written = snapshots.written(zxid);
        if (written != null) {
            core.snapshotTaken(written);
            drain();
        }
    }

    public void linkUp(int peer) {
        status.linkUp(peer);
    }

    public void linkLost(int peer) {
        status.linkLost(peer);
        core.linkLost(peer);
        drain();
    }

    /** A client connection closed: its streams end; answers still due to it are carried out and dropped by the host. */
    public void connectionClosed(long connectionId) {
        subscribers.connectionClosed(connectionId);
    }

    /** See {@link NodeEffect.StreamFrame}: the host dropped a frame of the stream; it ends, to resume after {@code lastWrittenZxid}. */
    public void streamOverflowed(long connectionId, long requestId, long lastWrittenZxid) {
        subscribers.overflowed(connectionId, requestId, lastWrittenZxid);
    }

    /** What to do now, in order; empties the list. */
    public List<NodeEffect> takeEffects() {
        if (effects.isEmpty()) {
            return List.of();
        }
        List<NodeEffect> taken = List.copyOf(effects);
        effects.clear();
        return taken;
    }

    // ---- what the host may read (same thread) ----

    public NodeView view() {
        return core.view();
    }

    /** Whether the core's history (log and snapshot) still covers {@code zxid}: for the simulator's checks. */
    public boolean historyCovers(long zxid) {
        return core.historyCovers(zxid);
    }

    public Map<Integer, Long> followerAcks() {
        return core.followerAcks();
    }

    public LbStateMachine machine() {
        return state.machine();
    }

    public boolean leadingEstablished() {
        return leadingEstablished;
    }

    /** Following or leading an established leader, with everything committed applied. */
    public boolean healthy() {
        NodeView view = core.view();
        return view.role() != Role.LOOKING && view.established() && state.machine().appliedZxid() == view.lastDeliveredZxid();
    }

    /**
     * For a host that answers reads off this node's thread: the identities that may read now, as
     * an immutable copy, or null when they are unchanged since the last call (so the host keeps
     * its copy). Everyone may when {@link Access#everyoneAdmin()}.
     */
    public java.util.function.Predicate<String> readersIfChanged() {
        if (!grantsMayHaveChanged) {
            return null;
        }
        grantsMayHaveChanged = false;
        return authorizer.readers(state.machine().grants().keySet(), state.machine().view());
    }

    public int subscriberCount() {
        return subscribers.count();
    }

    /**
     * Proposes a configuration change to the core (on an established leader only; see
     * {@link ZabCore#proposeMembership}): what a {@link MemberChangeRequest} does after its
     * checks, with the new member table as {@code nodeBlob}; the simulator calls it directly,
     * with no addresses.
     */
    public io.signalbox.consensus.MembershipResult proposeMembership(io.signalbox.consensus.MembershipChange change, byte[] nodeBlob) {
        long delivered = core.lastDeliveredZxid();
        io.signalbox.consensus.MembershipResult result = core.proposeMembership(change, nodeBlob);
        if (result instanceof io.signalbox.consensus.MembershipResult.Accepted accepted) {
            effects.add(new NodeEffect.Proposed(accepted.entry(), delivered));
        }
        drain();
        return result;
    }

    /** The membership in force on this node (see {@link ZabCore#membership}). */
    public io.signalbox.consensus.Membership membership() {
        return core.membership();
    }

    /**
     * The peers this node should have links to, id to peer address (host:port): the members of
     * the configuration in force and of the last one delivered, but itself; null when that is
     * what the last call answered. The host redials when it changes.
     */
    public Map<Integer, String> peersIfChanged() {
        return directory.peersIfChanged(options.id(), core.membership(), core.deliveredMembership());
    }

    /** A snapshot as storage gives it back, with the configuration its bytes record (see {@link ReplicatedState#recovered}). */
    public static Snapshot recoveredSnapshot(long zxid, byte[] bytes) {
        return ReplicatedState.recovered(zxid, bytes);
    }

    /** Commands proposed and not yet answered, and requests waiting at the leader: what a graceful stop waits for. */
    public int inflight() {
        return commands.inflight() + forwarding.inflight();
    }

    // ---- for the request layer ----

    long lastZxid() {
        return core.view().lastZxid();
    }

    long committedZxid() {
        return core.lastDeliveredZxid();
    }

    ProposeResult propose(byte[] payload) {
        long delivered = core.lastDeliveredZxid();
        ProposeResult result = core.propose(payload);
        if (result instanceof ProposeResult.Accepted accepted) {
            effects.add(new NodeEffect.Proposed(new Txn(accepted.zxid(), payload), delivered));
        }
        return result;
    }

    boolean readIndex(long readId) {
        return core.readIndex(readId);
    }

    /** A LOCAL read of one service was answered from the current state: the host may cache it. */
    void serviceRead(String service, io.signalbox.state.Configuration configuration) {
        effects.add(new NodeEffect.ServiceRead(service, configuration));
    }

    ClientTable clients() {
        return state.clients();
    }

    // ---- requests ----

    /** @param identity who sent it; null for a forwarded request, which the follower authorized (a command carries its identity) */
    private void handle(long requestId, ClientRequest body, Responder responder, boolean forwarded, String identity) {
        if (body instanceof io.signalbox.protocol.AuthRequest) {
            responder.respond(Response.error(requestId, ErrorCode.MALFORMED, "a token is accepted only as the first request of a "
                    + "connection, by the client port"));
            return;
        }
        if (body instanceof CommandRequest command && identity != null) {
            body = command.as(identity); // authorized by the leader, which has the latest table
        } else if (identity != null && refused(requestId, identity, body, responder)) {
            return;
        }
        if (body.forLeader() && !leadingEstablished) {
            if (forwarded) {
                responder.respond(Response.error(requestId, ErrorCode.UNAVAILABLE, "node " + options.id()
                        + " is no longer the leader; retry"));
            } else {
                forward(requestId, body, responder);
            }
            return;
        }
        if (body instanceof CommandRequest command) {
            commands.submit(requestId, command, responder);
        } else if (body instanceof MemberChangeRequest change) {
            memberChanges.change(requestId, change, responder);
        } else if (body instanceof ReadRequest read) {
            reads.read(requestId, read, responder, leadingEstablished);
        } else if (body instanceof HistoryRequest history) {
            reads.history(requestId, history, responder);
        } else if (body instanceof SubscribeRequest subscribe) {
            if (forwarded) {
                responder.respond(Response.error(requestId, ErrorCode.MALFORMED, "subscriptions are served where they are asked for"));
            } else {
                subscribers.subscribe(requestId, subscribe, responder, state.machine());
            }
        } else if (body instanceof StatusRequest request) {
            status(requestId, request, responder);
        } else if (body instanceof ProxyReport report) {
            proxyReports.answer(requestId, report, responder, nowMs(), state.machine().appliedZxid());
        }
    }

    private boolean refused(long requestId, String identity, ClientRequest body, Responder responder) {
        String refusal = authorizer.refusal(identity, body, state.machine().view());
        if (refusal == null) {
            return false;
        }
        Commands.logRefusal(options.id(), identity, refusal);
        responder.respond(Response.error(requestId, ErrorCode.PERMISSION_DENIED, refusal));
        return true;
    }

    private void forward(long requestId, ClientRequest body, Responder responder) {
        PeerMessage.Forward message = forwarding.forward(body, leaderId, reply -> responder.respond(new Response(requestId, reply)));
        if (message != null) {
            effects.add(new NodeEffect.Send(leaderId, message));
        }
    }

    /** This node's view of the members, with the proxies' reports, which only the leader has: a follower asks it. */
    private void status(long requestId, StatusRequest request, Responder responder) {
        long applied = state.machine().appliedZxid();
        if (leadingEstablished) {
            responder.respond(new Response(requestId, status.result(core.view(), core.membership(), applied, request.proxiesOnly(),
                    proxyReports.statuses(core.view().lastDeliveredZxid(), nowMs()), "")));
            return;
        }
        if (request.proxiesOnly()) {
            responder.respond(new Response(requestId, status.result(core.view(), core.membership(), applied, true, List.of(),
                    "node " + options.id() + " is not the leader")));
            return;
        }
        PeerMessage.Forward ask = forwarding.forward(new StatusRequest(true), leaderId, reply -> responder.respond(new Response(requestId,
                status.withLeadersProxies(status.result(core.view(), core.membership(), state.machine().appliedZxid(), false, List.of(),
                        ""), reply))));
        if (ask != null) {
            effects.add(new NodeEffect.Send(leaderId, ask));
        }
    }

    /** Virtual milliseconds: ticks times the tick length, the same on every run of a seed. */
    private long nowMs() {
        return ticks * options.tickMs();
    }

    // ---- the core's effects ----

    /** Carries out every effect the core produced, then maybe takes a snapshot. */
    private void drain() {
        List<Effect> produced;
        while (!(produced = core.takeEffects()).isEmpty()) {
            for (Effect effect : produced) {
                apply(effect);
            }
        }
        maybeSnapshot();
    }

    private void apply(Effect effect) {
        if (effect instanceof Effect.Send send) {
            effects.add(new NodeEffect.Send(send.to(), new PeerMessage.Zab(send.message())));
        } else if (effect instanceof Effect.Deliver deliver) {
            ReplicatedState.Delivered delivered = state.apply(deliver.txn());
            effects.add(ChangedServices.of(delivered.events()));
            snapshots.applied();
            effects.add(new NodeEffect.Applied(deliver.txn(), state.machine().digest()));
            commands.delivered(delivered.zxid(), delivered.events(), delivered.clientId(), delivered.clientSequence());
            grantsMayHaveChanged |= delivered.events().stream().anyMatch(e -> e instanceof io.signalbox.state.StateEvent.RoleGranted
                    || e instanceof io.signalbox.state.StateEvent.RoleRevoked);
            reads.applied(delivered.zxid());
            subscribers.publish(delivered.zxid(), delivered.events(), delivered.identity());
        } else if (effect instanceof Effect.ReadReady ready) {
            reads.readReady(ready.readId(), ready.readZxid());
        } else if (effect instanceof Effect.InstallSnapshot install) {
            effects.add(new NodeEffect.Durable(install));
            state.restore(install.snapshot());
            if (state.restoredConfiguration() != null) {
                directory.learn(state.restoredConfiguration().members());
            }
            effects.add(new NodeEffect.ServicesChanged(java.util.Set.of(), true));
            effects.add(new NodeEffect.Restored(install.snapshot().zxid(), state.machine().digest()));
            snapshots.installed(install.snapshot().zxid());
            commands.stateReplaced();
            grantsMayHaveChanged = true;
            subscribers.endAll("this node installed a snapshot from its leader");
        } else if (effect instanceof Effect.RoleChanged change) {
            roleChanged(change);
        } else if (effect instanceof Effect.DurableWrite write) {
            if (write instanceof Effect.AppendTxns append) {
                append.txns().forEach(directory::learn);
            }
            effects.add(new NodeEffect.Durable(write)); // appends, epochs, truncations
        } else {
            throw new IllegalStateException("effect of the core not carried out: " + effect);
        }
    }

    private void roleChanged(Effect.RoleChanged change) {
        leadingEstablished = change.role() == Role.LEADING && change.established();
        leaderId = change.role() == Role.LOOKING ? 0 : change.leaderId();
        effects.add(new NodeEffect.RoleChanged(change));
        commands.leadershipChanged(leadingEstablished);
        if (!leadingEstablished) {
            reads.leadershipLost();
        }
        forwarding.leaderChanged(leaderId == options.id() ? 0 : leaderId);
    }

    /** A snapshot when one is due ({@link SnapshotSchedule}); the core knows the configuration in force at its zxid. */
    private void maybeSnapshot() {
        long applied = state.machine().appliedZxid();
        Snapshot due = snapshots.due(applied, core.view().lastPersistedZxid(),
                () -> state.snapshot(core.membershipAt(applied), directory.records(core.membershipAt(applied))));
        if (due != null) {
            effects.add(new NodeEffect.TakeSnapshot(due));
        }
    }
}
