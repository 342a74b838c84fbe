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
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.Request;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.wire.ClientWire;
import io.signalbox.protocol.wire.Frames;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client port. Each frame is one {@link Request}, decoded here into records; it is
 * handed to the node loop, and the answer comes back through the connection's
 * {@link Responder}. Bad input never reaches the node: an oversized or undecodable frame
 * gets a MALFORMED error and the connection is closed; a request naming no operation gets
 * MALFORMED, a malformed command INVALID naming the field, and the connection stays open. Connections beyond {@code connectionsMax} are closed at once.
 */
final class ClientTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientTransport.class);

    private final EventLoopGroup group;
    private final int connectionsMax;
    private final int streamBufferMax;
    private final NodeMetrics metrics;
    private final BiConsumer<Request, Responder> handler;
    private final java.util.function.BooleanSupplier onLoopThread;
    private final AtomicInteger connections = new AtomicInteger();
    /** Channels the node loop wrote to in this round; flushed once each at the end of the round. */
    private final io.signalbox.server.net.PendingFlushes unflushed = new io.signalbox.server.net.PendingFlushes();
    private Channel server;

    ClientTransport(EventLoopGroup group, int connectionsMax, int streamBufferMax, NodeMetrics metrics,
                    BiConsumer<Request, Responder> handler, java.util.function.BooleanSupplier onLoopThread) {
        this.group = group;
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

    private void write(Channel channel, Response response, io.netty.channel.ChannelPromise promise) {
        if (onLoopThread.getAsBoolean()) {
            channel.write(Unpooled.wrappedBuffer(ClientWire.encode(response)), promise);
            unflushed.wrote(channel);
        } else {
            channel.writeAndFlush(Unpooled.wrappedBuffer(ClientWire.encode(response)), promise);
        }
    }

    void start(InetSocketAddress bind) {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Frames.install(ch.pipeline());
                        ch.pipeline().addLast(new Connection());
                    }
                })
                .bind(bind).syncUninterruptibly().channel();
    }

    private final class Connection extends SimpleChannelInboundHandler<ByteBuf> implements Responder {
        private final AtomicInteger streamFramesQueued = new AtomicInteger();
        private volatile Channel channel;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            if (connections.incrementAndGet() > connectionsMax) {
                metrics.requestError("connections_max");
                respond(Answers.error(0, ErrorCode.BUSY, "this node serves at most " + connectionsMax + " client connections"));
                ctx.close();
                return;
            }
            metrics.clientConnections(1);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (connections.getAndDecrement() <= connectionsMax) {
                metrics.clientConnections(-1);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            Request request;
            try {
                request = ClientWire.decodeRequest(ByteBufUtil.getBytes(frame));
            } catch (ClientWire.UndecodableFrameException e) {
                rejectAndClose(ctx, e.getMessage());
                return;
            } catch (ClientWire.RefusedRequestException e) {
                metrics.requestError(e.answer().reply() instanceof io.signalbox.protocol.ErrorReply error
                        && error.code() == ErrorCode.INVALID ? "invalid" : "malformed");
                respond(e.answer());
                return;
            }
            handler.accept(request, this);
        }

        private void rejectAndClose(ChannelHandlerContext ctx, String why) {
            metrics.requestError("malformed");
            LOG.info("closing client connection {}: {}", ctx.channel().remoteAddress(), why);
            byte[] bytes = ClientWire.encode(Answers.error(0, ErrorCode.MALFORMED, why));
            ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(ChannelFutureListener.CLOSE);
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

        @Override
        public void respond(Response response) {
            Channel ch = channel;
            if (ch != null && ch.isActive()) {
                write(ch, response, ch.voidPromise());
            }
        }

        @Override
        public boolean stream(Response response) {
            Channel ch = channel;
            if (ch == null || !ch.isActive()) {
                return false;
            }
            if (streamFramesQueued.incrementAndGet() > streamBufferMax) {
                streamFramesQueued.decrementAndGet();
                return false;
            }
            io.netty.channel.ChannelPromise promise = ch.newPromise();
            promise.addListener(f -> streamFramesQueued.decrementAndGet());
            write(ch, response, promise);
            return true;
        }

        @Override
        public boolean open() {
            Channel ch = channel;
            return ch != null && ch.isActive();
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
    }
}
