package io.signalbox.server.node;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.signalbox.node.Node;
import io.signalbox.protocol.ProxyStatus;
import io.signalbox.protocol.StatusRequest;
import io.signalbox.protocol.wire.NettyTransport;
import io.signalbox.server.net.NodeTls;
import io.signalbox.protocol.StatusResult;
import io.signalbox.state.HistoryGoneException;
import io.signalbox.state.LbStateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP port: {@code /} (status page), {@code /status}, {@code /config},
 * {@code /events?from=ZXID}, {@code /metrics} (Prometheus), {@code /metrics/history} (the last
 * ten minutes, one sample a second, for the status page's charts), {@code /health} (200 only
 * when following or leading an established leader and applied up to its commit point).
 * GET only; request bodies are limited to 8 KiB. The port owns the history's sampling task:
 * it runs on one of the port's event loops from {@link #start} until {@link #close}.
 */
final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    static final int EVENTS_LIMIT = 200;
    static final long SAMPLE_INTERVAL_MS = 1_000;
    /** A proxies answer older than this is not put in a sample (the loop was busy or the ask failed). */
    static final long PROXIES_ANSWER_AGE_MAX_MS = 3 * SAMPLE_INTERVAL_MS;

    private final SignalboxNode node;
    private final EventLoopGroup group;
    private final byte[] statusPage;
    private Channel server;
    /** Null: plain HTTP. */
    private final NodeTls tls;
    private static final String PLAINTEXT_BODY = "this admin port serves HTTPS only: use https://\n";
    private static final byte[] PLAINTEXT_ANSWER = ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: "
            + PLAINTEXT_BODY.length() + "\r\nConnection: close\r\n\r\n" + PLAINTEXT_BODY).getBytes(StandardCharsets.US_ASCII);
    private final MetricsHistory history = new MetricsHistory();
    private final HistorySampler sampler = new HistorySampler(history);
    private final long startedWallMs = System.currentTimeMillis();
    private final long startedNanos = System.nanoTime();
    private final AtomicBoolean askingProxies = new AtomicBoolean();
    private volatile ProxiesAnswer proxiesAnswer;
    private ScheduledFuture<?> sampling;

    /** The leader's last answer about the agents; null proxies when this node is not the leader. */
    private record ProxiesAnswer(long atMs, List<MetricsHistory.ProxyLag> proxies) {}

    AdminServer(SignalboxNode node, EventLoopGroup group, NodeTls tls) {
        this.node = node;
        this.tls = tls;
        this.group = group;
        try (InputStream in = AdminServer.class.getResourceAsStream("status.html")) {
            this.statusPage = in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new UncheckedIOException(new IOException("status.html missing from the server jar", e));
        }
    }

    void start(InetSocketAddress bind) {
        server = new ServerBootstrap().group(group).channel(NettyTransport.serverChannel(group))
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            tls.acceptOn(ch, NodeTls.Port.ADMIN, PLAINTEXT_ANSWER, null);
                        }
                        ch.pipeline().addLast(new HttpServerCodec(4096, 8192, 8192));
                        ch.pipeline().addLast(new HttpObjectAggregator(8192));
                        ch.pipeline().addLast(new Handler());
                    }
                })
                .bind(bind).syncUninterruptibly().channel();
        sampling = group.next().scheduleAtFixedRate(this::sample, SAMPLE_INTERVAL_MS, SAMPLE_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /** Wall-clock milliseconds that never go back: the start's wall clock plus the monotonic time since. */
    private long nowMs() {
        return startedWallMs + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    /**
     * One history sample: commits and latencies from the metrics' atomics, the agents' lag
     * from the latest answer of the node loop, then the next question to the loop (one at a
     * time, through its ordinary bounded queue, so a busy loop only delays the lag line).
     */
    private void sample() {
        try {
            long now = nowMs();
            ProxiesAnswer answer = proxiesAnswer;
            List<MetricsHistory.ProxyLag> proxies = answer != null && now - answer.atMs() <= PROXIES_ANSWER_AGE_MAX_MS
                    ? answer.proxies() : null;
            sampler.sample(now, node.metrics().commitsTotal(), node.metrics().commitLatencyCounts(), proxies);
            if (askingProxies.compareAndSet(false, true)) {
                node.ask(new StatusRequest(true)).whenComplete((response, failure) -> {
                    if (failure == null && response.reply() instanceof StatusResult status) {
                        proxiesAnswer = new ProxiesAnswer(nowMs(), status.proxiesNote().isEmpty() ? lags(status.proxies()) : null);
                    }
                    askingProxies.set(false);
                });
            }
        } catch (RuntimeException e) {
            // A failed sample leaves a gap in the charts; the next second tries again.
            LOG.warn("metrics history sample failed: {}", e.toString());
        }
    }

    private static List<MetricsHistory.ProxyLag> lags(List<ProxyStatus> statuses) {
        return statuses.stream().limit(MetricsHistory.PROXIES_PER_SAMPLE_MAX)
                .map(p -> new MetricsHistory.ProxyLag(p.report().agentId(), p.report().proxy(), p.lagEntries())).toList();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                send(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain", "bad request\n");
                return;
            }
            if (request.method() != HttpMethod.GET) {
                send(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "only GET is served here\n");
                return;
            }
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            switch (uri.path()) {
                case "/":
                    send(ctx, keepAlive, HttpResponseStatus.OK, "text/html; charset=utf-8", statusPage);
                    break;
                case "/metrics":
                    send(ctx, request, HttpResponseStatus.OK, "text/plain; version=0.0.4", node.metrics().scrape());
                    break;
                case "/metrics/history":
                    send(ctx, request, HttpResponseStatus.OK, "application/json",
                            JsonViews.history(node.config().id(), SAMPLE_INTERVAL_MS, history.capacity(), history.samples()));
                    break;
                case "/status":
                    reply(ctx, keepAlive, node.ask(new StatusRequest(false)).thenCompose(answer -> node.onLoop(n -> {
                        if (!(answer.reply() instanceof StatusResult status)) {
                            throw new IllegalStateException("the node answered the status with " + answer.reply());
                        }
                        return JsonViews.status(status, n.healthy());
                    })));
                    break;
                case "/health":
                    node.onLoop(Node::healthy).whenComplete((healthy, failure) -> send(ctx, keepAlive,
                            Boolean.TRUE.equals(healthy) ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                            "text/plain", (Boolean.TRUE.equals(healthy) ? "ok\n" : "not ready\n").getBytes(StandardCharsets.UTF_8)));
                    break;
                case "/config":
                    reply(ctx, keepAlive, node.onLoop(n -> JsonViews.configuration(n.machine().configuration())));
                    break;
                case "/events":
                    long from;
                    try {
                        List<String> values = uri.parameters().getOrDefault("from", List.of("0"));
                        from = Long.parseUnsignedLong(values.get(0).startsWith("0x") ? values.get(0).substring(2) : values.get(0),
                                values.get(0).startsWith("0x") ? 16 : 10);
                    } catch (NumberFormatException e) {
                        send(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain", "from must be a zxid (decimal or 0x hex)\n");
                        return;
                    }
                    reply(ctx, keepAlive, node.onLoop(n -> {
                        List<LbStateMachine.Entry> entries;
                        try {
                            entries = n.machine().eventsAfter(from);
                        } catch (HistoryGoneException e) {
                            if (from != 0) {
                                throw e;
                            }
                            entries = n.machine().eventsAfter(e.oldestRetainedZxid()); // no "from": whatever is retained
                        }
                        return JsonViews.events(entries.subList(Math.max(0, entries.size() - EVENTS_LIMIT), entries.size()));
                    }));
                    break;
                default:
                    send(ctx, request, HttpResponseStatus.NOT_FOUND, "text/plain",
                            "not found; try /, /status, /config, /events?from=0, /metrics, /metrics/history, /health\n");
            }
        }

        private void reply(ChannelHandlerContext ctx, boolean keepAlive, CompletableFuture<String> json) {
            json.whenComplete((body, failure) -> {
                if (failure == null) {
                    send(ctx, keepAlive, HttpResponseStatus.OK, "application/json", body.getBytes(StandardCharsets.UTF_8));
                } else {
                    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                    HttpResponseStatus status = cause instanceof HistoryGoneException ? HttpResponseStatus.GONE
                            : HttpResponseStatus.SERVICE_UNAVAILABLE;
                    send(ctx, keepAlive, status, "application/json",
                            ("{\"error\":" + io.signalbox.common.Json.quote(String.valueOf(cause.getMessage())) + "}").getBytes(StandardCharsets.UTF_8));
                }
            });
        }

        private void send(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String type, String body) {
            send(ctx, HttpUtil.isKeepAlive(request), status, type, body.getBytes(StandardCharsets.UTF_8));
        }

        private void send(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String type, byte[] body) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            // The status page on one node reads /status from the others.
            response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, "keep-alive");
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public void close() {
        if (sampling != null) {
            sampling.cancel(false);
        }
        if (server != null) {
            server.close().syncUninterruptibly();
        }
    }
}
