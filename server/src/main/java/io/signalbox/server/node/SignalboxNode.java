package io.signalbox.server.node;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.signalbox.common.Zxid;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.NodeView;
import io.signalbox.consensus.Role;
import io.signalbox.protocol.CommandRequest;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.HistoryRequest;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.ProxyReport;
import io.signalbox.protocol.ProxyStatus;
import io.signalbox.protocol.ReadRequest;
import io.signalbox.protocol.ReportAccepted;
import io.signalbox.protocol.Request;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.StatusRequest;
import io.signalbox.protocol.StatusResult;
import io.signalbox.protocol.SubscribeRequest;
import io.signalbox.server.NodeConfig;
import io.signalbox.server.net.PeerTransport;
import io.signalbox.state.Configuration;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.StateEvent;
import io.signalbox.storage.NodeStorage;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Signalbox node: its data directory (RocksDB), its consensus core and state
 * machine on one loop thread, the peer and client ports, and the admin HTTP port. Start it
 * with {@link #start(NodeConfig)}; {@link #close()} stops it gracefully (no new requests,
 * in-flight ones finish or time out, storage closed). Embeddable: many nodes may run in one
 * JVM, each owning its threads.
 */
public final class SignalboxNode implements AutoCloseable, Replica.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(SignalboxNode.class);

    private final NodeConfig config;
    private final NodeMetrics metrics;
    private final NodeStorage storage;
    private final EventLoopGroup netty;
    private final NodeLoop loop;
    private final PeerTransport peers;
    private final Replica replica;
    private final Commands commands;
    private final Reads reads;
    private final Subscribers subscribers;
    private final Forwarder forwarder;
    private final ProxyReports proxyReports;
    private final ClientTransport clients;
    private final AdminServer admin;
    private volatile boolean closed;
    /** Written by the loop on every role change; read by Netty threads to forward without a loop hop. */
    private volatile boolean leadingEstablished;

    private SignalboxNode(NodeConfig config) {
        this.config = config;
        this.metrics = new NodeMetrics(config.id());
        this.storage = NodeStorage.open(config.dataDir());
        this.netty = new NioEventLoopGroup(2, runnable -> {
            Thread thread = new Thread(runnable, "signalbox-netty-" + config.id());
            thread.setDaemon(true);
            return thread;
        });
        this.loop = new NodeLoop("signalbox-node-" + config.id(), config.tickMs(), config.loopQueueMax());
        Map<Integer, InetSocketAddress> peerAddresses = new TreeMap<>();
        for (NodeConfig.Member m : config.members()) {
            if (m.id() != config.id()) {
                peerAddresses.put(m.id(), new InetSocketAddress(m.host(), m.peerPort()));
            }
        }
        this.peers = new PeerTransport(config.id(), peerAddresses, netty, new PeerTransport.Inbound() {
            @Override
            public void received(int from, io.signalbox.consensus.message.ZabMessage message) {
                if (!loop.offerExternal(() -> replica().receive(from, message))) {
                    metrics.peerMessageDropped();
                }
            }

            @Override
            public void linkLost(int peer) {
                loop.offerInternal(() -> replica().linkLost(peer));
            }
        }, metrics::peerMessageDropped);
        this.replica = new Replica(config, storage, peers::send, this,
                zxid -> loop.offerInternal(() -> replica().persisted(zxid)), metrics);
        this.reads = new Reads(replica, config.requestTimeoutMs());
        this.commands = new Commands(config.id(), replica, metrics, config.tickMs(), config.requestTimeoutMs(), reads);
        this.subscribers = new Subscribers(config.id());
        this.forwarder = new Forwarder(config, netty);
        this.proxyReports = new ProxyReports(config.id());
        this.clients = new ClientTransport(netty, config.clientConnectionsMax(), config.subscriberBufferMax(), metrics,
                this::accept, () -> loop.inLoop());
        this.admin = new AdminServer(this, netty);
    }

    /** Opens the data directory, binds the three ports and starts the loop; throws with the reason if any fails. */
    public static SignalboxNode start(NodeConfig config) {
        SignalboxNode node = new SignalboxNode(config);
        try {
            NodeConfig.Member self = config.self();
            node.peers.start(new InetSocketAddress(self.host(), self.peerPort()));
            node.clients.start(new InetSocketAddress(self.host(), self.clientPort()));
            node.admin.start(new InetSocketAddress(self.host(), self.adminPort()));
            node.loop.start(node.new LoopHandler());
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        if (Reads.LINEARIZABLE_READS_WITHOUT_QUORUM) {
            LOG.warn("node {}: TEST ONLY: LINEARIZABLE reads are served without a quorum round (stale reads possible)", config.id());
        }
        LOG.info("node {} started: peers {}, clients {}, admin http://{}/ , data {}", config.id(), config.self().peerAddress(),
                config.self().clientAddress(), config.self().adminAddress(), config.dataDir());
        return node;
    }

    private Replica replica() {
        return replica;
    }

    public NodeConfig config() {
        return config;
    }

    public NodeMetrics metrics() {
        return metrics;
    }

    private final class LoopHandler implements NodeLoop.Handler {
        @Override
        public void tick() {
            replica.tick();
            boolean leader = establishedLeader();
            commands.tick(leader);
            reads.tick();
            long last = replica.core().view().lastZxid();
            metrics.lastZxid(last);
            long lagMax = 0;
            for (long acked : replica.core().followerAcks().values()) {
                lagMax = Math.max(lagMax, Zxid.epoch(acked) == Zxid.epoch(last) ? Zxid.counter(last) - Zxid.counter(acked)
                        : Zxid.counter(last));
            }
            metrics.followerLagMax(lagMax);
            metrics.subscribers(subscribers.count());
            metrics.sessions(replica.machine().view().sessionCount());
        }

        @Override
        public void roundDone() {
            peers.flush();
            clients.flush();
        }

        @Override
        public void stopped() {
            peers.flush();
            clients.flush();
        }
    }

    private boolean establishedLeader() {
        return replica.core().role() == Role.LEADING && replica.core().established();
    }

    /**
     * From the client transport (Netty thread): on a follower that knows its leader, commands and
     * linearizable reads go straight to the leader; everything else is queued for the loop.
     */
    private void accept(Request request, Responder responder) {
        if (request.body().forLeader() && !leadingEstablished && forwarder.knowsLeader()) {
            forwarder.forward(request, responder); // a stale leader refuses it, and the client retries
            return;
        }
        if (!loop.offerExternal(() -> handle(request, responder))) {
            metrics.requestError("busy");
            responder.respond(Answers.error(request.requestId(), ErrorCode.BUSY, closed
                    ? "node " + config.id() + " is shutting down" : "node " + config.id() + " is overloaded; retry"));
        }
    }

    private void handle(Request request, Responder responder) {
        long id = request.requestId();
        if (request.body() instanceof CommandRequest command) {
            if (establishedLeader()) {
                commands.submit(id, command, responder);
            } else {
                forwarder.forward(request, responder);
            }
        } else if (request.body() instanceof ReadRequest read) {
            if (!reads.read(id, read, responder, establishedLeader())) {
                forwarder.forward(request, responder);
            }
        } else if (request.body() instanceof HistoryRequest history) {
            reads.history(id, history, responder);
        } else if (request.body() instanceof SubscribeRequest subscribe) {
            subscribers.subscribe(id, subscribe, responder, replica.machine());
        } else if (request.body() instanceof StatusRequest status) {
            status(id, status, responder);
        } else if (request.body() instanceof ProxyReport report) {
            report(request, report, responder);
        }
    }

    /** A sync agent's report: kept by the leader, forwarded there by followers. */
    private void report(Request request, ProxyReport report, Responder responder) {
        long id = request.requestId();
        String problem = ProxyReports.problem(report);
        if (problem != null) {
            responder.respond(Answers.error(id, ErrorCode.INVALID, "report refused: " + problem));
        } else if (!establishedLeader()) {
            forwarder.forward(request, responder);
        } else if (!proxyReports.record(report, System.currentTimeMillis())) {
            responder.respond(Answers.error(id, ErrorCode.BUSY, ProxyReports.AGENTS_MAX + " agents already report to this leader"));
        } else {
            responder.respond(new Response(id, new ReportAccepted(replica.machine().appliedZxid())));
        }
    }

    /** This node's view of the members, plus the proxies' reports, which only the leader has. */
    private void status(long id, StatusRequest request, Responder responder) {
        statusWithProxies(request.proxiesOnly()).whenComplete((status, failure) -> responder.respond(new Response(id, status)));
    }

    /** Loop thread; completes on the loop or, when a follower asks its leader, on a Netty thread. */
    CompletableFuture<StatusResult> statusWithProxies(boolean proxiesOnly) {
        StatusResult local = proxiesOnly ? new StatusResult(replica.machine().appliedZxid(), config.id(), List.of(), List.of(), "")
                : status();
        if (establishedLeader()) {
            return CompletableFuture.completedFuture(withProxies(local,
                    proxyReports.statuses(replica.core().view().lastDeliveredZxid(), System.currentTimeMillis()), ""));
        }
        if (proxiesOnly) {
            return CompletableFuture.completedFuture(withProxies(local, List.of(), "node " + config.id() + " is not the leader"));
        }
        return forwarder.ask(new StatusRequest(true)).handle((response, failure) -> {
            if (failure != null || !(response.reply() instanceof StatusResult leaders)) {
                String reason = failure != null ? failure.getMessage() : ((io.signalbox.protocol.ErrorReply) response.reply()).message();
                return withProxies(local, List.of(), "proxy reports are kept by the leader, which did not answer: " + reason);
            }
            return withProxies(local, leaders.proxies(), leaders.proxiesNote());
        });
    }

    private static StatusResult withProxies(StatusResult status, List<ProxyStatus> proxies, String note) {
        return new StatusResult(status.zxid(), status.nodeId(), status.members(), proxies, note);
    }

    // ---- Replica.Listener (loop thread) ----

    @Override
    public void delivered(long zxid, List<StateEvent> events, String clientId, long clientSequence) {
        commands.delivered(zxid, events, clientId, clientSequence);
        reads.applied(zxid);
        subscribers.publish(zxid, events);
    }

    @Override
    public void roleChanged(Effect.RoleChanged change) {
        boolean leader = change.role() == Role.LEADING && change.established();
        leadingEstablished = leader;
        commands.leadershipChanged(leader);
        if (!leader) {
            reads.leadershipLost();
        }
        forwarder.leaderChanged(change.role() == Role.LOOKING ? 0 : change.leaderId());
    }

    @Override
    public void readReady(long readId, long readZxid) {
        reads.readReady(readId, readZxid);
    }

    @Override
    public void stateReplaced() {
        commands.stateReplaced();
        subscribers.endAll("this node installed a snapshot from its leader");
    }

    // ---- status, for the client protocol and the admin port ----

    StatusResult status() {
        NodeView view = replica.core().view();
        long applied = replica.machine().appliedZxid();
        List<Member> members = new ArrayList<>(config.members().size());
        for (NodeConfig.Member m : config.members()) {
            if (m.id() == config.id()) {
                members.add(new Member(m.id(), m.peerAddress(), m.clientAddress(), m.adminAddress(), view.role().name(), view.leaderId(),
                        view.currentEpoch(), view.lastZxid(), view.lastDeliveredZxid(), applied, true, view.established()));
            } else {
                members.add(new Member(m.id(), m.peerAddress(), m.clientAddress(), m.adminAddress(), "", 0, 0, 0, 0, 0,
                        peers.connected(m.id()), false));
            }
        }
        return new StatusResult(applied, config.id(), members, List.of(), "");
    }

    /** Runs {@code query} on the loop thread against this node's state; for the admin port. */
    <T> CompletableFuture<T> onLoop(Function<SignalboxNode, T> query) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!loop.offerExternal(() -> {
            try {
                result.complete(query.apply(this));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        })) {
            result.completeExceptionally(new IllegalStateException("node " + config.id() + " is overloaded or stopping"));
        }
        return result.orTimeout(5, TimeUnit.SECONDS);
    }


    LbStateMachine machine() {
        return replica.machine();
    }

    Configuration configuration() {
        return replica.machine().configuration();
    }

    /** True when this node follows or leads an established leader and has applied what it committed. */
    boolean healthy() {
        NodeView view = replica.core().view();
        return view.role() != Role.LOOKING && view.established() && replica.machine().appliedZxid() == view.lastDeliveredZxid();
    }

    public boolean running() {
        return loop.alive() && !closed;
    }

    /** Stops accepting clients, lets proposed commands finish (at most 2 s), then stops threads and closes storage. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("node {} stopping", config.id());
        safely(clients::close);
        safely(this::finishInflight);
        safely(admin::close);
        safely(loop::close);
        safely(peers::close);
        safely(forwarder::close);
        safely(replica::close);
        safely(storage::close);
        netty.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        LOG.info("node {} stopped", config.id());
    }

    /** Gives commands already proposed up to 2 s to commit and be answered. */
    private void finishInflight() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline && loop.alive()) {
            Integer inflight = onLoop(n -> n.commands.inflight()).exceptionally(failure -> 0).join();
            if (inflight == 0) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void safely(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.warn("node {}: while stopping: {}", config.id(), e.toString());
        }
    }
}
