package io.signalbox.server.node;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.signalbox.protocol.AuthRequest;
import io.signalbox.protocol.AuthResult;
import io.signalbox.protocol.CommandRequest;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.ErrorReply;
import io.signalbox.protocol.Request;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.wire.ClientWire;
import io.signalbox.protocol.wire.Frames;
import io.signalbox.protocol.wire.NettyTransport;
import io.signalbox.server.net.NodeTls;
import io.signalbox.server.net.PendingFlushes;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client port. Each frame is one {@link Request}, decoded here into records and handed to
 * the node loop with the connection's id; the node's replies come back by that id. Bad input
 * never reaches the node: an oversized or undecodable frame gets a MALFORMED error and the
 * connection is closed; a request naming no operation gets MALFORMED, a malformed command
 * INVALID naming the field, and the connection stays open. Connections beyond
 * {@code connectionsMax} are closed at once. A stream whose connection has
 * {@code streamBufferMax} frames unwritten loses the frame, and the node is told, so it ends
 * the stream with the zxid to resume from; no later frame of it is written. With TLS, a
 * plaintext client is answered MALFORMED (unencrypted, so it can read why) and closed.
 *
 * <p>Each connection has an identity, assigned here and never taken from what the client
 * says: the client certificate's CN, or the name of the bearer token the connection sent as
 * its first request ({@link AuthRequest}), else {@code anonymous}. A wrong token is refused
 * (PERMISSION_DENIED), logged with the remote address, and the connection closed.
 */
final class ClientTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientTransport.class);

    /** What the node loop is told about connections (called on Netty threads). */
    interface Handler {
        void request(long connectionId, String identity, Request request, Responder immediate);

        void closed(long connectionId);
    }

    /** Answers given on the Netty thread, before a request reaches the loop (the loop is full or stopping). */
    interface Responder {
        void respond(Response response);

        /** A successful answer already encoded (a LOCAL read from {@link EncodedReadCache}). */
        void respondEncoded(byte[] response);
    }

    private final EventLoopGroup group;
    private final int connectionsMax;
    private final int streamBufferMax;
    private final NodeMetrics metrics;
    private final Handler handler;
    private final BooleanSupplier onLoopThread;
    /** Null: plaintext. */
    private final NodeTls tls;
    private final BearerTokens tokens;
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final AtomicLong nextConnectionId = new AtomicLong(1);
    private final Map<Long, Connection> connections = new ConcurrentHashMap<>();
    /** Channels the node loop wrote to in this round; flushed once each at the end of the round. */
    private final PendingFlushes unflushed = new PendingFlushes();
    private Channel server;
    /** What a plaintext client reads on a TLS port: one framed MALFORMED answer. */
    private static final byte[] PLAINTEXT_ANSWER = framed(ClientWire.encode(Response.error(0, ErrorCode.MALFORMED,
            "this client port requires TLS: connect with --ca (and --cert/--key when client certificates are required)")));

    private static byte[] framed(byte[] message) {
        return java.nio.ByteBuffer.allocate(4 + message.length).putInt(message.length).put(message).array();
    }

    ClientTransport(EventLoopGroup group, int connectionsMax, int streamBufferMax, NodeMetrics metrics, Handler handler,
                    BooleanSupplier onLoopThread, NodeTls tls, BearerTokens tokens) {
        this.group = group;
        this.tokens = tokens;
        this.tls = tls;
        this.connectionsMax = connectionsMax;
        this.streamBufferMax = streamBufferMax;
        this.metrics = metrics;
        this.handler = handler;
        this.onLoopThread = onLoopThread;
    }

    /** Flushes what the node loop wrote this round: one system call per connection, not one per answer. */
    void flush() {
        unflushed.flushAll();
    }

    /** The node's answer on {@code connectionId}; dropped when the connection is gone. */
    void reply(long connectionId, Response response) {
        Connection connection = connections.get(connectionId);
        if (connection != null) {
            connection.reply(response);
        }
    }

    /** One frame of a stream; false when it was dropped because the connection's buffer is full (tell the node). */
    boolean stream(long connectionId, Response frame) {
        Connection connection = connections.get(connectionId);
        return connection == null || connection.stream(frame);
    }

    void start(InetSocketAddress bind) {
        server = new ServerBootstrap().group(group).channel(NettyTransport.serverChannel(group))
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            tls.acceptOn(ch, NodeTls.Port.CLIENT, PLAINTEXT_ANSWER, null);
                        }
                        Frames.install(ch.pipeline());
                        ch.pipeline().addLast(new Connection(nextConnectionId.getAndIncrement()));
                    }
                })
                .bind(bind).syncUninterruptibly().channel();
    }

    private final class Connection extends SimpleChannelInboundHandler<ByteBuf> implements Responder {
        private final long id;
        private final AtomicInteger streamFramesQueued = new AtomicInteger();
        /** When each command arrived, for the commit latency; entries leave with their answer. */
        private final Map<Long, Long> commandStartedNanos = new ConcurrentHashMap<>();
        /** Per stream (request id): the zxid of the last frame written; -1 once a frame was dropped. */
        private final Map<Long, Long> streamedZxid = new ConcurrentHashMap<>();
        private volatile Channel channel;
        private boolean counted;
        /** Null until the first request: then the certificate's CN, a token's name, or anonymous. Netty thread only. */
        private String identity;
        /** Netty thread only: inside a read, answers given on this thread wait for the read's end to be flushed. */
        private boolean reading;
        private boolean unflushedInRead;

        Connection(long id) {
            this.id = id;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            if (connectionCount.incrementAndGet() > connectionsMax) {
                connectionCount.decrementAndGet();
                metrics.requestError("connections_max");
                respond(Response.error(0, ErrorCode.BUSY, "this node serves at most " + connectionsMax + " client connections"));
                ctx.close();
                return;
            }
            counted = true;
            connections.put(id, this);
            metrics.clientConnections(1);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (counted) {
                connectionCount.decrementAndGet();
                metrics.clientConnections(-1);
                connections.remove(id);
                handler.closed(id);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            reading = true;
            Request request;
            try {
                request = ClientWire.decodeRequest(ByteBufUtil.getBytes(frame));
            } catch (ClientWire.UndecodableFrameException e) {
                rejectAndClose(ctx, e.getMessage());
                return;
            } catch (ClientWire.RefusedRequestException e) {
                respond(e.answer());
                return;
            }
            boolean first = identity == null;
            if (first) {
                identity = certificateIdentity(ctx);
            }
            if (request.body() instanceof AuthRequest auth) {
                authenticate(ctx, request.requestId(), auth, first);
                return;
            }
            if (request.body() instanceof CommandRequest) {
                commandStartedNanos.put(request.requestId(), System.nanoTime());
            }
            handler.request(id, identity, request, this);
        }

        /** The CN of the verified client certificate, or anonymous without one. */
        private String certificateIdentity(ChannelHandlerContext ctx) {
            String subject = ctx.channel().attr(NodeTls.PEER_SUBJECT).get();
            String commonName = subject == null ? "" : ClientIdentities.commonName(subject);
            return commonName.isEmpty() ? ClientIdentities.ANONYMOUS : commonName;
        }

        private void authenticate(ChannelHandlerContext ctx, long requestId, AuthRequest auth, boolean first) {
            if (!first) {
                respond(Response.error(requestId, ErrorCode.MALFORMED, "a token is accepted only as the first request of a connection; "
                        + "this connection acts as " + identity + ": open a new one"));
                return;
            }
            String named = tokens.identityOf(auth.token());
            if (named == null) {
                metrics.requestError("permission_denied");
                LOG.warn("client connection {} from {}: refused a token that matches no auth.token.NAME{}", id,
                        ctx.channel().remoteAddress(), tokens.any() ? "" : " (this node has none configured)");
                byte[] bytes = ClientWire.encode(Response.error(requestId, ErrorCode.PERMISSION_DENIED,
                        "this token matches no auth.token.NAME of this node; the connection is closed"));
                ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            identity = named;
            LOG.info("client connection {} from {} acts as {} (token)", id, ctx.channel().remoteAddress(), named);
            respond(new Response(requestId, new AuthResult(named)));
        }

        private void rejectAndClose(ChannelHandlerContext ctx, String why) {
            metrics.requestError("malformed");
            LOG.info("closing client connection {}: {}", ctx.channel().remoteAddress(), why);
            byte[] bytes = ClientWire.encode(Response.error(0, ErrorCode.MALFORMED, why));
            ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(ChannelFutureListener.CLOSE);
        }

        /** The answers given on this thread while reading go out in one flush, not one system call each. */
        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            reading = false;
            if (unflushedInRead) {
                unflushedInRead = false;
                ctx.flush();
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable root = cause.getCause() != null ? cause.getCause() : cause;
            if (cause instanceof TooLongFrameException || root instanceof TooLongFrameException) {
                rejectAndClose(ctx, "frame exceeds the limit of " + Frames.FRAME_BYTES_MAX + " bytes");
            } else {
                ctx.close();
            }
        }

        /** An answer (from the loop, or refused before it): counted in the metrics, then written. */
        @Override
        public void respond(Response response) {
            if (response.reply() instanceof ErrorReply error) {
                metrics.requestError(error.code().name().toLowerCase(Locale.ROOT));
            }
            Long started = commandStartedNanos.remove(response.requestId());
            if (started != null && response.reply() instanceof CommandResult) {
                metrics.commitLatency(System.nanoTime() - started);
            }
            Channel ch = channel;
            if (ch != null && ch.isActive()) {
                write(ch, ClientWire.encode(response), ch.voidPromise());
            }
        }

        @Override
        public void respondEncoded(byte[] response) {
            Channel ch = channel;
            if (ch != null && ch.isActive()) {
                write(ch, response, ch.voidPromise());
            }
        }

        /**
         * From the node loop: flushed at the end of its round. From this connection's own Netty thread
         * inside a read: flushed when the read ends. From any other thread: at once.
         */
        private void write(Channel ch, byte[] response, ChannelPromise promise) {
            if (ch.eventLoop().inEventLoop() && reading) {
                ch.write(Unpooled.wrappedBuffer(response), promise);
                unflushedInRead = true;
            } else if (onLoopThread.getAsBoolean()) {
                ch.write(Unpooled.wrappedBuffer(response), promise);
                unflushed.wrote(ch);
            } else {
                ch.writeAndFlush(Unpooled.wrappedBuffer(response), promise);
            }
        }

        void reply(Response response) {
            streamedZxid.remove(response.requestId()); // a stream's last word (STREAM_ENDED) ends its bookkeeping
            respond(response);
        }

        boolean stream(Response frame) {
            Channel ch = channel;
            if (ch == null || !ch.isActive()) {
                return true; // the node hears of the closed connection anyway
            }
            long requestId = frame.requestId();
            if (streamedZxid.getOrDefault(requestId, 0L) < 0) {
                return true; // a frame was dropped already; the node is ending this stream
            }
            if (streamFramesQueued.incrementAndGet() > streamBufferMax) {
                streamFramesQueued.decrementAndGet();
                return false;
            }
            ChannelPromise promise = ch.newPromise();
            promise.addListener(f -> streamFramesQueued.decrementAndGet());
            streamedZxid.put(requestId, frame.reply().zxid());
            write(ch, ClientWire.encode(frame), promise);
            return true;
        }

        /** After a dropped frame: no later frame of that stream goes out until the node ends it. */
        void dropStream(long requestId) {
            streamedZxid.put(requestId, -1L);
        }
    }

    /** Marks the stream as dropped (see {@link #stream}); returns the zxid of its last frame written before. */
    long dropStream(long connectionId, long requestId) {
        Connection connection = connections.get(connectionId);
        if (connection == null) {
            return 0;
        }
        long last = connection.streamedZxid.getOrDefault(requestId, 0L);
        connection.dropStream(requestId);
        return Math.max(0, last);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
    }
}
