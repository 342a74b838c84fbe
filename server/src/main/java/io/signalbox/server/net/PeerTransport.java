package io.signalbox.server.net;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.signalbox.node.PeerMessage;
import io.signalbox.proto.peer.PeerEnvelope;
import io.signalbox.protocol.wire.Frames;
import io.signalbox.protocol.wire.NettyTransport;
import io.signalbox.server.codec.MalformedFrameException;
import io.signalbox.server.codec.PeerMessageCodec;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Peer links over Netty: one TCP connection per pair of nodes, dialed by the node with the
 * lower id (as in ZooKeeper, so both sides agree on which one survives) and used both ways.
 * The dialer's first frame is a hello naming it. Outbound writes are bounded by the
 * channel's high-water mark: beyond it a message is dropped (the protocol retransmits),
 * so the core is never blocked by a slow peer. With TLS both ends show certificates of the
 * cluster's CA that name their member: the dialer says hello only once the node it reached
 * proved to be the member it dialed, and the acceptor takes a hello only for the member the
 * dialer's certificate names. The peers change with the configuration ({@link #updatePeers}):
 * a new member is dialed (or awaited), a member no longer in use is hung up on and not redialed.
 */
public final class PeerTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerTransport.class);
    /** Bytes queued towards one peer before messages are dropped. */
    public static final int OUTBOUND_BYTES_MAX = 64 << 20;
    private static final long RECONNECT_MIN_MS = 50;
    private static final long RECONNECT_MAX_MS = 1_000;

    /** Where decoded messages and lost links go; called on the event loop of the group given (a node passes its loop's). */
    public interface Inbound {
        void received(int from, PeerMessage message);

        /** A link to {@code peer} is up: what the status shows as reachable. */
        void linkUp(int peer);

        void linkLost(int peer);
    }

    private final int selfId;
    /** Said in every hello; a hello naming another cluster is refused. */
    private final String clusterName;
    /** Replaced whole by {@link #updatePeers} (loop thread); read on Netty threads. */
    private volatile Map<Integer, InetSocketAddress> peers;
    private final EventLoopGroup group;
    private final Inbound inbound;
    private final Runnable onDrop;
    /** Null: plaintext links. */
    private final NodeTls tls;
    private final Map<Integer, Channel> channels = new ConcurrentHashMap<>();
    private final PendingFlushes unflushed = new PendingFlushes();
    private final Map<Integer, Long> reconnectDelayMs = new ConcurrentHashMap<>();
    private Channel server;
    private volatile boolean closed;

    public PeerTransport(int selfId, String clusterName, Map<Integer, InetSocketAddress> peers, EventLoopGroup group, Inbound inbound,
                         Runnable onDrop, NodeTls tls) {
        this.selfId = selfId;
        this.clusterName = clusterName;
        this.tls = tls;
        this.peers = Map.copyOf(peers);
        this.group = group;
        this.inbound = inbound;
        this.onDrop = onDrop;
    }

    public void start(InetSocketAddress bind) {
        server = new ServerBootstrap().group(group).channel(NettyTransport.serverChannel(group))
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(OUTBOUND_BYTES_MAX / 2, OUTBOUND_BYTES_MAX))
                .childHandler(initializer(0))
                .bind(bind).syncUninterruptibly().channel();
        for (int peer : peers.keySet()) {
            if (selfId < peer) {
                dial(peer);
            }
        }
    }

    private ChannelInitializer<SocketChannel> initializer(int dialedPeer) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (tls != null && dialedPeer == 0) {
                    tls.acceptOn(ch, NodeTls.Port.PEER, new byte[0], NodeTls.namesOneOf(List.copyOf(new TreeSet<>(peers.keySet())), ch));
                } else if (tls != null) {
                    tls.dialOn(ch, peers.get(dialedPeer), NodeTls.names(dialedPeer));
                }
                Frames.install(ch.pipeline());
                ch.pipeline().addLast(new PeerHandler(dialedPeer));
            }
        };
    }

    /**
     * The members to keep links to now, id to peer address. A new one with a higher id is dialed
     * (a lower one dials this node); one no longer listed, or at a new address, is hung up on.
     */
    public void updatePeers(Map<Integer, InetSocketAddress> wanted) {
        Map<Integer, InetSocketAddress> before = peers;
        peers = Map.copyOf(wanted);
        for (Map.Entry<Integer, InetSocketAddress> was : before.entrySet()) {
            if (!was.getValue().equals(wanted.get(was.getKey()))) {
                LOG.info("node {}: peer {} at {} is no longer a member here; hanging up", selfId, was.getKey(), was.getValue());
                Channel channel = channels.remove(was.getKey());
                if (channel != null) {
                    channel.flush(); // what the node sent it last (a forward's answer, the COMMIT) goes out first
                    channel.close();
                    inbound.linkLost(was.getKey());
                }
            }
        }
        for (Map.Entry<Integer, InetSocketAddress> now : wanted.entrySet()) {
            if (!now.getValue().equals(before.get(now.getKey()))) {
                LOG.info("node {}: peer {} at {} is a member here now", selfId, now.getKey(), now.getValue());
                if (selfId < now.getKey() && server != null) {
                    dial(now.getKey());
                }
            }
        }
    }

    private void dial(int peer) {
        InetSocketAddress address = peers.get(peer);
        if (closed || address == null) {
            return; // no longer a member: not redialed
        }
        new Bootstrap().group(group).channel(NettyTransport.socketChannel(group))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(OUTBOUND_BYTES_MAX / 2, OUTBOUND_BYTES_MAX))
                .handler(initializer(peer))
                .connect(address).addListener(f -> {
                    if (!f.isSuccess()) {
                        redialLater(peer);
                    }
                });
    }

    private void redialLater(int peer) {
        if (closed) {
            return;
        }
        long delay = reconnectDelayMs.merge(peer, RECONNECT_MIN_MS, (old, min) -> Math.min(RECONNECT_MAX_MS, old * 2));
        group.schedule(() -> dial(peer), delay, TimeUnit.MILLISECONDS);
    }

    /** Called by the node loop; never blocks. */
    public void send(int to, PeerMessage message) {
        Channel channel = channels.get(to);
        if (channel == null || !channel.isActive() || !channel.isWritable()) {
            onDrop.run();
            return;
        }
        channel.write(Unpooled.wrappedBuffer(PeerMessageCodec.encode(selfId, message)), channel.voidPromise());
        unflushed.wrote(channel);
    }

    /** Flushes what {@link #send} queued since the last flush; one syscall per peer per loop round. */
    public void flush() {
        unflushed.flushAll();
    }

    public boolean connected(int peer) {
        Channel channel = channels.get(peer);
        return channel != null && channel.isActive();
    }

    private final class PeerHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private int peer;

        PeerHandler(int dialedPeer) {
            this.peer = dialedPeer;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (tls == null) {
                sayHello(ctx);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event == NodeTls.VERIFIED) {
                sayHello(ctx);
            } else {
                super.userEventTriggered(ctx, event);
            }
        }

        /** A dialed link is up once connected (and, with TLS, the other end proved to be the member dialed). */
        private void sayHello(ChannelHandlerContext ctx) {
            if (peer != 0) {
                reconnectDelayMs.remove(peer);
                byte[] hello = PeerEnvelope.newBuilder().setFrom(selfId).setClusterName(clusterName).build().toByteArray();
                ctx.writeAndFlush(Unpooled.wrappedBuffer(hello));
                register(peer, ctx.channel());
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            byte[] bytes = ByteBufUtil.getBytes(frame);
            if (peer == 0) {
                acceptHello(ctx, bytes);
                return;
            }
            PeerMessageCodec.Frame decoded;
            try {
                decoded = PeerMessageCodec.decode(bytes);
            } catch (MalformedFrameException e) {
                LOG.warn("node {}: closing the link to peer {}: {}", selfId, peer, e.getMessage());
                ctx.close();
                return;
            }
            if (decoded.from() != peer) {
                LOG.warn("node {}: peer {} sent a frame claiming to be from {}; closing", selfId, peer, decoded.from());
                ctx.close();
                return;
            }
            inbound.received(peer, decoded.message());
        }

        private void acceptHello(ChannelHandlerContext ctx, byte[] bytes) {
            int from;
            String theirCluster = "";
            try {
                PeerEnvelope hello = PeerEnvelope.parseFrom(bytes);
                from = hello.getFrom();
                theirCluster = hello.getClusterName().isEmpty() ? io.signalbox.server.NodeConfig.CLUSTER_NAME_DEFAULT : hello.getClusterName();
                if (hello.getBodyCase() != PeerEnvelope.BodyCase.BODY_NOT_SET) {
                    from = -1;
                }
            } catch (InvalidProtocolBufferException e) {
                from = -1;
            }
            if (from > 0 && !theirCluster.equals(clusterName)) {
                LOG.warn("node {}: refusing a peer connection from {}: it says hello as member {} of cluster \"{}\", this node is of "
                        + "cluster \"{}\" (clusterName)", selfId, ctx.channel().remoteAddress(), from, theirCluster, clusterName);
                ctx.close();
                return;
            }
            if (!peers.containsKey(from) || from > selfId) {
                LOG.warn("node {}: refusing a peer connection from {} that did not say hello as a lower-id member (said {})",
                        selfId, ctx.channel().remoteAddress(), from);
                ctx.close();
                return;
            }
            Integer certified = ctx.channel().attr(NodeTls.CERTIFIED_MEMBER).get();
            if (tls != null && (certified == null || certified != from)) {
                tls.refuse(ctx, NodeTls.Port.PEER, "its hello claims member " + from + " but its certificate names member " + certified);
                return;
            }
            peer = from;
            register(peer, ctx.channel());
        }

        private void register(int id, Channel channel) {
            Channel old = channels.put(id, channel);
            if (old != null && old != channel) {
                old.close();
            }
            LOG.info("node {}: link to peer {} up ({})", selfId, id, channel.remoteAddress());
            inbound.linkUp(id);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (peer != 0) {
                boolean current = channels.remove(peer, ctx.channel());
                LOG.info("node {}: link to peer {} down", selfId, peer);
                if (current && !closed) {
                    inbound.linkLost(peer);
                }
                if (selfId < peer) {
                    redialLater(peer); // dial() does not once the peer is no longer a member
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("node {}: peer link error: {}", selfId, cause.toString());
            ctx.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        for (Channel channel : channels.values()) {
            channel.close().syncUninterruptibly();
        }
    }
}
