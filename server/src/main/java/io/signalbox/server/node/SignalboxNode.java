package io.signalbox.server.node;

import io.netty.channel.EventLoopGroup;
import io.signalbox.common.Zxid;
import io.signalbox.consensus.RecoveredState;
import io.signalbox.consensus.ZabConfig;
import io.signalbox.consensus.ZabCore;
import io.signalbox.node.Access;
import io.signalbox.node.LocalReadCache;
import io.signalbox.node.Node;
import io.signalbox.node.NodeEffect;
import io.signalbox.node.NodeOptions;
import io.signalbox.node.PeerMessage;
import io.signalbox.protocol.ClientRequest;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.ReadRequest;
import io.signalbox.protocol.Request;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.wire.NettyTransport;
import io.signalbox.server.NodeConfig;
import io.signalbox.server.net.NodeTls;
import io.signalbox.server.net.PeerTransport;
import io.signalbox.server.net.ProposalCoalescer;
import io.signalbox.state.Configuration;
import io.signalbox.storage.NodeStorage;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Signalbox node: the deterministic {@link Node} on one loop thread, hosted with
 * RocksDB (its durable writes, on a storage thread), Netty (the peer and client ports, whose
 * connections live on the loop's own event loop) and the admin HTTP port (its own thread).
 * The loop ticks the node every {@code tickMs}, feeds it what arrives, and carries out the
 * effects it returns, in order. Start it with {@link #start(NodeConfig)}; {@link #close()}
 * stops it gracefully (no new requests, in-flight ones finish or time out, storage closed).
 * Embeddable: many nodes may run in one JVM, each owning its threads.
 */
public final class SignalboxNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SignalboxNode.class);
    /** Test only: LINEARIZABLE reads without the quorum round, so the chaos harness can show its checker catches stale reads. */
    static final String UNSAFE_READS_PROPERTY = "signalbox.testOnly.linearizableReadsWithoutQuorum";
    /** Test only: appends acknowledged before their fsync, so the chaos harness can show that power loss catches it. */
    static final String UNSAFE_ACK_BEFORE_FSYNC_PROPERTY = "signalbox.testOnly.ackBeforeFsync";
    /** Connection ids of the admin port's own requests count down from here; the client port's count up from 1. */
    private static final long ADMIN_CONNECTION_IDS_FROM = -1;

    private final NodeConfig config;
    private final NodeMetrics metrics;
    private final NodeStorage storage;
    /** The admin port's one thread: HTTP, the status page and its once-a-second sampling. */
    private final EventLoopGroup adminThread;
    private final NodeLoop loop;
    private final PeerTransport peers;
    /** What the loop sends to peers goes through it: a round's proposals to a peer leave as one message. */
    private final ProposalCoalescer outbound;
    private final StorageWriter storageWriter;
    private final LocalReadCache localReads = new LocalReadCache();
    private final EncodedReadCache encodedReads = new EncodedReadCache();
    private final Node node;
    private final ClientTransport clients;
    private final AdminServer admin;
    private final AtomicLong nextAdminConnection = new AtomicLong(ADMIN_CONNECTION_IDS_FROM);
    private final Map<Long, CompletableFuture<Response>> adminRequests = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** Who may read now, for the reads answered as they are read, outside the loop's rounds; replaced (in a round) when grants change. */
    private volatile java.util.function.Predicate<String> readers = identity -> false;
    /** The storage writer failed: the node stops serving (its owner sees {@link #running()} false and closes it). */
    private volatile boolean storageFailed;

    private SignalboxNode(NodeConfig config) {
        this.config = config;
        this.metrics = new NodeMetrics(config.id());
        this.storage = NodeStorage.open(config.dataDir());
        this.adminThread = NettyTransport.group(1, runnable -> {
            Thread thread = new Thread(runnable, "signalbox-admin-" + config.id());
            thread.setDaemon(true);
            return thread;
        });
        NodeTls tls = config.tls() == null ? null : new NodeTls(config.id(), config.tls());
        this.loop = new NodeLoop("signalbox-node-" + config.id(), config.tickMs(), config.loopQueueMax());
        Map<Integer, InetSocketAddress> peerAddresses = new TreeMap<>();
        for (NodeConfig.Member m : config.members()) {
            if (m.id() != config.id()) {
                peerAddresses.put(m.id(), new InetSocketAddress(m.host(), m.peerPort()));
            }
        }
        this.peers = new PeerTransport(config.id(), config.clusterName(), peerAddresses, loop.group(), new PeerTransport.Inbound() {
            @Override
            public void received(int from, PeerMessage message) {
                if (!loop.offerExternal(() -> step(() -> node.receive(from, message)))) {
                    metrics.peerMessageDropped();
                }
            }

            @Override
            public void linkUp(int peer) {
                loop.offerInternal(() -> node.linkUp(peer));
            }

            @Override
            public void linkLost(int peer) {
                loop.offerInternal(() -> step(() -> node.linkLost(peer)));
            }
        }, metrics::peerMessageDropped, tls);
        RecoveredState recovered = StorageWriter.recover(config, storage);
        ZabConfig zab = ZabConfig.defaults(config.id(), config.voterIds()).withProposalsInflightMax(config.proposalsInflightMax());
        this.outbound = new ProposalCoalescer(peers::send, zab.proposalTxnsMax(), zab.syncBatchBytesMax());
        SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());
        this.node = new Node(options(config), ZabCore.create(zab, recovered, random::nextLong), recovered.snapshot(), random.nextLong());
        updatePeers(); // the configuration the storage recorded, which may differ from the bootstrap members
        localReads.start(node.machine().appliedZxid(), node.machine().digest());
        this.readers = node.readersIfChanged();
        this.storageWriter = new StorageWriter(config, storage, metrics, (writeId, snapshotZxids) -> loop.offerInternal(() -> step(() -> {
            if (writeId > 0) {
                this.node.written(writeId);
            }
            snapshotZxids.forEach(this.node::snapshotWritten);
        })), () -> storageFailed = true, Boolean.getBoolean(UNSAFE_ACK_BEFORE_FSYNC_PROPERTY));
        this.clients = new ClientTransport(loop.group(), config.clientConnectionsMax(), config.subscriberBufferMax(), metrics,
                new ClientTransport.Handler() {
                    @Override
                    public void request(long connectionId, String identity, Request request, ClientTransport.Responder immediate) {
                        accept(connectionId, identity, request, immediate);
                    }

                    @Override
                    public void closed(long connectionId) {
                        loop.offerInternal(() -> node.connectionClosed(connectionId));
                    }
                }, loop::inLoop, tls, new BearerTokens(config.auth().tokenHashes()));
        this.admin = new AdminServer(this, adminThread, tls);
    }

    private static NodeOptions options(NodeConfig config) {
        List<NodeOptions.Member> members = new ArrayList<>();
        for (NodeConfig.Member m : config.members()) {
            members.add(new NodeOptions.Member(m.id(), m.peerAddress(), m.clientAddress(), m.adminAddress()));
        }
        int requestTimeoutTicks = Math.max(1, config.requestTimeoutMs() / config.tickMs());
        return new NodeOptions(config.id(), members, config.tickMs(), requestTimeoutTicks, config.snapshotEveryEntries(),
                config.historyEntriesMax(), Boolean.getBoolean(UNSAFE_READS_PROPERTY), false,
                new Access(config.auth().admins(), config.loopbackOnly() || config.insecure()), config.clusterName());
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
        if (Boolean.getBoolean(UNSAFE_READS_PROPERTY)) {
            LOG.warn("node {}: TEST ONLY: LINEARIZABLE reads are served without a quorum round (stale reads possible)", config.id());
        }
        if (Boolean.getBoolean(UNSAFE_ACK_BEFORE_FSYNC_PROPERTY)) {
            LOG.warn("node {}: TEST ONLY: appends are acknowledged before their fsync (a power loss can lose them)", config.id());
        }
        if (config.insecure()) {
            LOG.warn("node {}: insecure=true: {} the client port; anyone who can reach these ports can read and change the "
                    + "configuration", config.id(), config.tls() == null ? "no TLS on any port, no authentication on"
                    : "client certificates are " + config.tls().clientAuth().name().toLowerCase(java.util.Locale.ROOT) + " on");
        }
        LOG.info("node {} started: peers {}, clients {}, admin {}://{}/ , {}, netty {}, data {}", config.id(), config.self().peerAddress(),
                config.self().clientAddress(), config.tls() == null ? "http" : "https", config.self().adminAddress(),
                config.tls() == null ? "plaintext" : "TLS (" + io.signalbox.tls.PemTls.provider() + ", client certificates "
                        + config.tls().clientAuth().name().toLowerCase(java.util.Locale.ROOT) + ")", NettyTransport.describe(),
                config.dataDir());
        return node;
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
            step(node::tick);
            long last = node.view().lastZxid();
            metrics.lastZxid(last);
            long lagMax = 0;
            for (long acked : node.followerAcks().values()) {
                lagMax = Math.max(lagMax, Zxid.epoch(acked) == Zxid.epoch(last) ? Zxid.counter(last) - Zxid.counter(acked)
                        : Zxid.counter(last));
            }
            metrics.followerLagMax(lagMax);
            metrics.subscribers(node.subscriberCount());
            metrics.sessions(node.machine().view().sessionCount());
        }

        /** Answers first: a client waits for its answer, while a COMMIT to a follower only moves its commit point. */
        @Override
        public void roundDone() {
            outbound.release();
            clients.flush();
            peers.flush();
        }

        @Override
        public void stopped() {
            outbound.release();
            peers.flush();
            clients.flush();
        }
    }

    /** From the client transport, as a request is read: a cached LOCAL read answered now, else queued for the loop's round, or refused at once when the loop is full. */
    private void accept(long connectionId, String identity, Request request, ClientTransport.Responder immediate) {
        Configuration cached = readers.test(identity) ? localReads.answer(request.body()) : null;
        if (cached != null) {
            metrics.readOffLoop();
            String service = ((ReadRequest) request.body()).service();
            immediate.respondEncoded(encodedReads.response(request.requestId(), service, cached));
            return;
        }
        if (!loop.offerExternal(() -> step(() -> node.request(connectionId, identity, request)))) {
            immediate.respond(Response.error(request.requestId(), ErrorCode.BUSY, closed
                    ? "node " + config.id() + " is shutting down" : "node " + config.id() + " is overloaded; retry"));
        }
    }

    /** Loop thread: one input to the node, then every effect it returned, in order. */
    private void step(Runnable input) {
        input.run();
        java.util.function.Predicate<String> changed = node.readersIfChanged();
        if (changed != null) {
            readers = changed;
        }
        List<NodeEffect> effects;
        while (!(effects = node.takeEffects()).isEmpty()) {
            for (NodeEffect effect : effects) {
                carryOut(effect);
            }
        }
        updatePeers(); // after the sends: the last messages to a member just removed still go out
    }

    /** The configuration (in force or last delivered) changed: keep links to its members, and only to them. */
    private void updatePeers() {
        Map<Integer, String> wanted = node.peersIfChanged();
        if (wanted != null) {
            Map<Integer, InetSocketAddress> addresses = new TreeMap<>();
            wanted.forEach((id, address) -> {
                io.signalbox.protocol.HostPort hostPort = io.signalbox.protocol.HostPort.parse(address);
                addresses.put(id, new InetSocketAddress(hostPort.host(), hostPort.port()));
            });
            peers.updatePeers(addresses);
        }
    }

    private void carryOut(NodeEffect effect) {
        localReads.carryOut(effect);
        if (effect instanceof NodeEffect.Send send) {
            outbound.send(send.to(), send.message());
        } else if (effect instanceof NodeEffect.Durable || effect instanceof NodeEffect.TakeSnapshot) {
            storageWriter.submit(effect);
        } else if (effect instanceof NodeEffect.Proposed) {
            metrics.proposed();
        } else if (effect instanceof NodeEffect.Reply reply) {
            if (reply.connectionId() < 0) {
                CompletableFuture<Response> waiting = adminRequests.remove(reply.connectionId());
                if (waiting != null) {
                    waiting.complete(reply.response());
                }
            } else {
                clients.reply(reply.connectionId(), reply.response());
            }
        } else if (effect instanceof NodeEffect.StreamFrame frame) {
            if (!clients.stream(frame.connectionId(), frame.response())) {
                long written = clients.dropStream(frame.connectionId(), frame.response().requestId());
                node.streamOverflowed(frame.connectionId(), frame.response().requestId(), written);
            }
        } else if (effect instanceof NodeEffect.Applied applied) {
            metrics.committed(applied.txn().zxid());
        } else if (effect instanceof NodeEffect.RoleChanged change) {
            metrics.roleChanged(change.change());
            LOG.info("node {} is {}", config.id(), change.change());
        }
    }

    // ---- for the admin port ----

    /** Asks this node's own request layer, as a client would (a status, say); completes on the loop thread. */
    CompletableFuture<Response> ask(ClientRequest request) {
        long connection = nextAdminConnection.getAndDecrement();
        CompletableFuture<Response> answer = new CompletableFuture<>();
        adminRequests.put(connection, answer);
        if (!loop.offerExternal(() -> step(() -> node.request(connection, Access.ADMIN_PORT, new Request(1, request))))) {
            adminRequests.remove(connection);
            answer.completeExceptionally(new IllegalStateException("node " + config.id() + " is overloaded or stopping"));
        }
        return answer.orTimeout(config.requestTimeoutMs() + 1_000L, TimeUnit.MILLISECONDS)
                .whenComplete((response, failure) -> adminRequests.remove(connection));
    }

    /** Runs {@code query} on the loop thread against this node's state; for the admin port. */
    <T> CompletableFuture<T> onLoop(Function<Node, T> query) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!loop.offerExternal(() -> {
            try {
                result.complete(query.apply(node));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        })) {
            result.completeExceptionally(new IllegalStateException("node " + config.id() + " is overloaded or stopping"));
        }
        return result.orTimeout(5, TimeUnit.SECONDS);
    }

    /** False once the node stopped, failed or lost its storage; whoever started it then closes it. */
    public boolean running() {
        return loop.alive() && !closed && !storageFailed;
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
        safely(loop::shutdown);
        safely(storageWriter::close);
        safely(storage::close);
        adminThread.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        LOG.info("node {} stopped", config.id());
    }

    /** Gives commands already proposed up to 2 s to commit and be answered. */
    private void finishInflight() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline && loop.alive()) {
            Integer inflight = onLoop(Node::inflight).exceptionally(failure -> 0).join();
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
