package io.signalbox.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.signalbox.proto.client.ErrorCode;
import io.signalbox.proto.client.Request;
import io.signalbox.proto.client.Response;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One TCP connection to one node, with many requests outstanding (at most
 * {@code outstandingMax}). A request gets one response, or for a subscription a stream
 * of them until an error frame or the connection's end. Thread-safe.
 */
public final class NodeConnection implements AutoCloseable {
    private final HostPort address;
    private final Channel channel;
    private final int outstandingMax;
    private final AtomicLong nextRequestId = new AtomicLong(1);
    private final Map<Long, Consumer<Response>> streams = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Response>> calls = new ConcurrentHashMap<>();
    private final Map<Long, Consumer<Throwable>> streamEnds = new ConcurrentHashMap<>();

    private NodeConnection(HostPort address, Channel channel, int outstandingMax) {
        this.address = address;
        this.channel = channel;
        this.outstandingMax = outstandingMax;
    }

    public static CompletableFuture<NodeConnection> open(EventLoopGroup group, HostPort address, int connectTimeoutMs,
                                                         int outstandingMax) {
        CompletableFuture<NodeConnection> opened = new CompletableFuture<>();
        NodeConnection[] holder = new NodeConnection[1];
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Frames.install(ch.pipeline());
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                                holder[0].onFrame(frame);
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                holder[0].failAll(new SignalboxException(ErrorCode.UNAVAILABLE,
                                        "connection to " + address + " closed", ""));
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                });
        ChannelFuture connect = bootstrap.connect(address.host(), address.port());
        holder[0] = new NodeConnection(address, connect.channel(), outstandingMax);
        connect.addListener(f -> {
            if (f.isSuccess()) {
                opened.complete(holder[0]);
            } else {
                opened.completeExceptionally(new SignalboxException(ErrorCode.UNAVAILABLE,
                        "cannot connect to " + address + ": " + f.cause().getMessage(), ""));
            }
        });
        return opened;
    }

    public HostPort address() {
        return address;
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /** One request, one response; the future fails on timeout or connection loss. */
    public CompletableFuture<Response> call(Request.Builder request, long timeoutMs) {
        CompletableFuture<Response> done = new CompletableFuture<>();
        if (calls.size() + streams.size() >= outstandingMax) {
            done.completeExceptionally(new SignalboxException(ErrorCode.BUSY,
                    outstandingMax + " requests already outstanding on the connection to " + address, ""));
            return done;
        }
        long id = nextRequestId.getAndIncrement();
        calls.put(id, done);
        send(request.setRequestId(id).build(), id);
        channel.eventLoop().schedule(() -> {
            if (calls.remove(id) != null) {
                done.completeExceptionally(new SignalboxException(ErrorCode.TIMEOUT,
                        "no answer from " + address + " within " + timeoutMs + " ms", ""));
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
        return done;
    }

    /** A subscription: every frame goes to {@code onFrame}; {@code onEnd} runs once, when the stream ends. */
    public long stream(Request.Builder request, Consumer<Response> onFrame, Consumer<Throwable> onEnd) {
        long id = nextRequestId.getAndIncrement();
        streams.put(id, onFrame);
        streamEnds.put(id, onEnd);
        send(request.setRequestId(id).build(), id);
        return id;
    }

    private void send(Request request, long id) {
        byte[] bytes = request.toByteArray();
        if (bytes.length > Frames.FRAME_BYTES_MAX) {
            fail(id, new SignalboxException(ErrorCode.TOO_LARGE, "request of " + bytes.length
                    + " bytes exceeds the frame limit of " + Frames.FRAME_BYTES_MAX, ""));
            return;
        }
        channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(f -> {
            if (!f.isSuccess()) {
                fail(id, new SignalboxException(ErrorCode.UNAVAILABLE, "cannot send to " + address + ": "
                        + f.cause().getMessage(), ""));
            }
        });
    }

    private void onFrame(ByteBuf frame) {
        Response response;
        try {
            response = Response.parseFrom(ByteBufUtil.getBytes(frame));
        } catch (InvalidProtocolBufferException e) {
            channel.close();
            return;
        }
        long id = response.getRequestId();
        CompletableFuture<Response> call = calls.remove(id);
        if (call != null) {
            call.complete(response);
            return;
        }
        Consumer<Response> stream = streams.get(id);
        if (stream != null) {
            if (response.hasError()) {
                streams.remove(id);
                Consumer<Throwable> end = streamEnds.remove(id);
                if (end != null) {
                    end.accept(toException(response.getError()));
                }
            } else {
                stream.accept(response);
            }
        }
    }

    private void fail(long id, Throwable cause) {
        CompletableFuture<Response> call = calls.remove(id);
        if (call != null) {
            call.completeExceptionally(cause);
        }
        streams.remove(id);
        Consumer<Throwable> end = streamEnds.remove(id);
        if (end != null) {
            end.accept(cause);
        }
    }

    private void failAll(Throwable cause) {
        for (Long id : calls.keySet()) {
            fail(id, cause);
        }
        for (Long id : streams.keySet()) {
            fail(id, cause);
        }
    }

    public static SignalboxException toException(io.signalbox.proto.client.Error error) {
        return new SignalboxException(error.getCode(), error.getMessage(), error.getField());
    }

    @Override
    public void close() {
        channel.close();
    }
}
