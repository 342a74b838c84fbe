package io.signalbox.protocol.wire;

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
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.signalbox.protocol.ClientRequest;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.ErrorReply;
import io.signalbox.protocol.HostPort;
import io.signalbox.protocol.Request;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.SignalboxException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLParameters;

/**
 * One TCP connection to one node's client port, with many requests outstanding (at most
 * {@code outstandingMax}); this connection numbers them. A request gets one response, or for
 * a subscription a stream of them until an error frame or the connection's end. Used by the
 * client and by a follower forwarding to its leader. Thread-safe.
 */
public final class WireConnection implements AutoCloseable {
    private final HostPort address;
    private final Channel channel;
    private final int outstandingMax;
    private final AtomicLong nextRequestId = new AtomicLong(1);
    private final Map<Long, Consumer<Response>> streams = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Response>> calls = new ConcurrentHashMap<>();
    private final Map<Long, Consumer<Throwable>> streamEnds = new ConcurrentHashMap<>();
    /** What closed the connection, when an error did (a TLS alert from the node): its requests hear it. */
    private volatile Throwable closedBy;

    /** Over {@code channel}, whose inbound frames the caller hands to {@link #onFrame}; {@link #open} is the way in. */
    WireConnection(HostPort address, Channel channel, int outstandingMax) {
        this.address = address;
        this.channel = channel;
        this.outstandingMax = outstandingMax;
    }

    public static CompletableFuture<WireConnection> open(EventLoopGroup group, HostPort address, int connectTimeoutMs,
                                                         int outstandingMax) {
        return open(group, address, connectTimeoutMs, outstandingMax, null);
    }

    /**
     * With {@code tls} not null the connection is TLS, checking the node's certificate against the
     * context's CA and its name against {@code address}'s host; the future completes once the
     * handshake has passed, or fails naming the address and why (within {@code connectTimeoutMs}).
     */
    public static CompletableFuture<WireConnection> open(EventLoopGroup group, HostPort address, int connectTimeoutMs,
                                                         int outstandingMax, SslContext tls) {
        CompletableFuture<WireConnection> opened = new CompletableFuture<>();
        WireConnection[] holder = new WireConnection[1];
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NettyTransport.socketChannel(group))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            SslHandler ssl = tls.newHandler(ch.alloc(), address.host(), address.port());
                            SSLParameters parameters = ssl.engine().getSSLParameters();
                            parameters.setEndpointIdentificationAlgorithm("HTTPS");
                            ssl.engine().setSSLParameters(parameters);
                            ssl.setHandshakeTimeoutMillis(connectTimeoutMs);
                            ch.pipeline().addLast("tls", ssl);
                        }
                        Frames.install(ch.pipeline());
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                                holder[0].onFrame(frame);
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                holder[0].failAll(new SignalboxException(ErrorCode.UNAVAILABLE,
                                        "connection to " + address + " closed" + TlsAlerts.reason(holder[0].closedBy), ""));
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                holder[0].closedBy = cause;
                                ctx.close();
                            }
                        });
                    }
                });
        ChannelFuture connect = bootstrap.connect(address.host(), address.port());
        holder[0] = new WireConnection(address, connect.channel(), outstandingMax);
        connect.addListener(f -> {
            if (f.isSuccess() && tls != null) {
                connect.channel().pipeline().get(SslHandler.class).handshakeFuture().addListener(handshake -> {
                    if (handshake.isSuccess()) {
                        opened.complete(holder[0]);
                    } else {
                        opened.completeExceptionally(new SignalboxException(ErrorCode.UNAVAILABLE,
                                "TLS handshake with " + address + " failed: " + handshake.cause().getMessage(), ""));
                    }
                });
            } else if (f.isSuccess()) {
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
    public CompletableFuture<Response> call(ClientRequest request, long timeoutMs) {
        CompletableFuture<Response> done = new CompletableFuture<>();
        if (calls.size() + streams.size() >= outstandingMax) {
            done.completeExceptionally(new SignalboxException(ErrorCode.BUSY,
                    outstandingMax + " requests already outstanding on the connection to " + address, ""));
            return done;
        }
        long id = nextRequestId.getAndIncrement();
        calls.put(id, done);
        send(new Request(id, request), id);
        ScheduledFuture<?> timeout = channel.eventLoop().schedule(() -> {
            if (calls.remove(id) != null) {
                done.completeExceptionally(new SignalboxException(ErrorCode.TIMEOUT,
                        "no answer from " + address + " within " + timeoutMs + " ms", ""));
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
        // Answered: the timer goes too. Left to expire, it would hold the answer for the whole timeout
        // (at 30,000 reads/s with a 30 s timeout, gigabytes of answers and 200 ms collections).
        done.whenComplete((answer, failure) -> timeout.cancel(false));
        return done;
    }

    /** A subscription: every frame goes to {@code onFrame}; {@code onEnd} runs once, when the stream ends. */
    public long stream(ClientRequest request, Consumer<Response> onFrame, Consumer<Throwable> onEnd) {
        long id = nextRequestId.getAndIncrement();
        streams.put(id, onFrame);
        streamEnds.put(id, onEnd);
        send(new Request(id, request), id);
        return id;
    }

    private void send(Request request, long id) {
        byte[] bytes = ClientWire.encode(request);
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

    void onFrame(ByteBuf frame) {
        Response response;
        try {
            response = ClientWire.decodeResponse(ByteBufUtil.getBytes(frame));
        } catch (ClientWire.UndecodableFrameException e) {
            channel.close();
            return;
        }
        long id = response.requestId();
        if (id == 0 && response.reply() instanceof ErrorReply error && error.code() == ErrorCode.MALFORMED) {
            // About the connection, not one request (a TLS port answering plaintext): every request hears why.
            // A BUSY for too many connections stays as before: the close that follows makes it retryable elsewhere.
            failAll(error.toException());
            return;
        }
        CompletableFuture<Response> call = calls.remove(id);
        if (call != null) {
            call.complete(response);
            return;
        }
        Consumer<Response> stream = streams.get(id);
        if (stream != null) {
            if (response.reply() instanceof ErrorReply error) {
                streams.remove(id);
                Consumer<Throwable> end = streamEnds.remove(id);
                if (end != null) {
                    end.accept(error.toException());
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

    @Override
    public void close() {
        channel.close();
    }
}
