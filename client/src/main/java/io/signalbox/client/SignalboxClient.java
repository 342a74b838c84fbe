package io.signalbox.client;

import io.netty.channel.EventLoopGroup;
import io.signalbox.protocol.ClientReply;
import io.signalbox.protocol.ClientRequest;
import io.signalbox.protocol.CommandRequest;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.ErrorReply;
import io.signalbox.protocol.HistoryRequest;
import io.signalbox.protocol.HistoryResult;
import io.signalbox.protocol.HostPort;
import io.signalbox.protocol.MemberChangeRequest;
import io.signalbox.protocol.ProxyReport;
import io.signalbox.protocol.ReadRequest;
import io.signalbox.protocol.ReadResult;
import io.signalbox.protocol.ReportAccepted;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.protocol.StatusRequest;
import io.signalbox.protocol.StatusResult;
import io.signalbox.protocol.wire.NettyTransport;
import io.signalbox.protocol.wire.WireConnection;
import io.signalbox.state.Command;
import io.signalbox.tls.PemTls;
import io.signalbox.tls.ReloadingSslContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Java client. Connects to any node of {@link ClientOptions#addresses()}, follows
 * leader hints, and retries on another node when one fails. Commands go straight to the
 * leader once that node has named it ({@link LeaderRoute}). Every command carries this
 * client's id and a sequence number, so a retry of a command whose answer was lost is
 * applied at most once. LOCAL reads never go back in time: they carry the highest zxid
 * this client has seen. Answers are records of {@code io.signalbox.protocol}; a failure is a
 * {@link SignalboxException} whose code says whether retrying can help. Thread-safe;
 * {@link #close()} stops its threads.
 */
public final class SignalboxClient implements AutoCloseable {
    private final ClientOptions options;
    private final EventLoopGroup group;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong lastSeenZxid = new AtomicLong();
    private final Object connectLock = new Object();
    private WireConnection connection;
    private int nextAddress;
    private volatile boolean closed;
    /** The options' id plus a suffix of this instance: sequences restart at 1 in every instance. */
    private final String clientId;
    /** Null: plaintext. Follows its files, so a rotated client certificate is used from the next connection on. */
    private final ReloadingSslContext tls;
    /** Where commands go; null when {@link ClientOptions#commandsToLeader()} is false. */
    private final LeaderRoute leaderRoute;

    public SignalboxClient(ClientOptions options) {
        this.options = options;
        this.tls = options.tls() == null ? null : new ReloadingSslContext("client", options.tls(), PemTls::client);
        this.clientId = instanceId(options.clientId());
        this.group = NettyTransport.group(1, runnable -> {
            Thread thread = new Thread(runnable, "signalbox-client");
            thread.setDaemon(true);
            return thread;
        });
        this.leaderRoute = !options.commandsToLeader() ? null : new LeaderRoute(new LeaderRoute.Connections() {
            @Override
            public CompletableFuture<WireConnection> connected() {
                return connectionAsync();
            }

            @Override
            public CompletableFuture<WireConnection> open(HostPort address) {
                return openAuthenticated(address);
            }
        }, options.requestTimeoutMs(), System::nanoTime);
    }

    /**
     * Two clients built from one options object must not share an id: each numbers its commands
     * from 1, and the cluster would take the second client's command 1 for a retry of the first's
     * and answer it without applying it. So every instance appends its own random suffix.
     */
    static String instanceId(String base) {
        String suffix = "." + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1);
        return (base.length() + suffix.length() > 128 ? base.substring(0, 128 - suffix.length()) : base) + suffix;
    }

    public static SignalboxClient connect(String addresses) {
        return new SignalboxClient(ClientOptions.of(addresses));
    }

    public ClientOptions options() {
        return options;
    }

    /** The leader's client address that commands go to now; null while they go to the connected node. */
    public HostPort commandRoute() {
        return leaderRoute == null ? null : leaderRoute.leaderAddress();
    }

    /** The highest zxid seen in any answer: what LOCAL reads must not fall behind. */
    public long lastSeenZxid() {
        return lastSeenZxid.get();
    }

    // ---- commands ----

    /** Submits a command; completes with the committed zxid (and a session id for OpenSession). */
    public CompletableFuture<CommandResult> submitAsync(Command command) {
        return executeAsync(new CommandRequest(clientId, sequence.incrementAndGet(), command), CommandResult.class);
    }

    public CommandResult submit(Command command) {
        return await(submitAsync(command));
    }

    /**
     * Adds a voter or removes a member ({@link MemberChangeRequest}); completes with the zxid of
     * the configuration entry once it committed. A retried add that had applied is answered as done.
     */
    public CommandResult changeMembers(MemberChangeRequest change) {
        return await(executeAsync(change, CommandResult.class));
    }

    // ---- reads ----

    /** The configuration ({@code service} null or empty: all of it) as of now, or as of the retained {@code atZxid} when not 0. */
    public CompletableFuture<ReadResult> readAsync(Consistency consistency, String service, long atZxid) {
        return executeAsync(new ReadRequest(consistency, lastSeenZxid.get(), service, atZxid), ReadResult.class);
    }

    public ReadResult read(Consistency consistency, String service) {
        return await(readAsync(consistency, service, 0));
    }

    public ReadResult readAt(long atZxid) {
        return await(readAsync(Consistency.LOCAL, "", atZxid));
    }

    public HistoryResult history(long fromZxid, int limit) {
        return await(executeAsync(new HistoryRequest(fromZxid, limit), HistoryResult.class));
    }

    /** The status as the node this client is connected to sees the cluster. */
    public StatusResult status() {
        return await(executeAsync(new StatusRequest(false), StatusResult.class));
    }

    /** A sync agent's report of the zxid its proxy runs (kept by the leader; followers forward it). */
    public CompletableFuture<ReportAccepted> reportAsync(ProxyReport report) {
        return executeAsync(report, ReportAccepted.class);
    }

    // ---- sessions and subscriptions ----

    /** Opens a session kept alive by this client until closed; servers registered with its id are ephemeral. */
    public ClientSession openSession(int timeoutMs) {
        CommandResult opened = submit(new Command.OpenSession(timeoutMs));
        return new ClientSession(this, group, opened.sessionId(), timeoutMs);
    }

    /** Follows the event stream from {@code fromZxid}, resuming after failures from the last zxid received. */
    public Subscription subscribe(long fromZxid, List<String> services, Subscription.Listener listener) {
        return new Subscription(this, group, fromZxid, services, listener);
    }

    // ---- plumbing ----

    <T extends ClientReply> CompletableFuture<T> executeAsync(ClientRequest request, Class<T> expected) {
        CompletableFuture<T> result = new CompletableFuture<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.retryDeadlineMs());
        attempt(request, expected, deadline, 0, result);
        return result;
    }

    private <T extends ClientReply> void attempt(ClientRequest request, Class<T> expected, long deadlineNanos, int attempt,
                                                 CompletableFuture<T> result) {
        if (closed) {
            result.completeExceptionally(new SignalboxException(ErrorCode.UNAVAILABLE, "client closed", ""));
            return;
        }
        boolean routed = leaderRoute != null && (request instanceof CommandRequest || request instanceof MemberChangeRequest
                || request instanceof ProxyReport);
        (routed ? leaderRoute.forCommand() : connectionAsync()).thenCompose(c -> c.call(request, options.requestTimeoutMs()).thenApply(r -> {
            if (r.reply() instanceof ErrorReply error) {
                if (error.code() == ErrorCode.NOT_LEADER && !error.leaderHint().isEmpty()) {
                    redirect(c, error.leaderHint());
                } else if (isRetryable(error.code())) {
                    dropConnection(c);
                }
                throw error.toException();
            }
            if (!expected.isInstance(r.reply())) {
                throw new SignalboxException(ErrorCode.MALFORMED, "node " + c.address() + " answered a "
                        + request.getClass().getSimpleName() + " with a " + r.reply().getClass().getSimpleName(), "");
            }
            return expected.cast(r.reply());
        }).whenComplete((reply, failure) -> {
            if (failure != null && routed && retryable(cause(failure))) {
                leaderRoute.failed(c); // not a refusal of the command itself: the route may be stale
            }
        })).whenComplete((reply, failure) -> {
            if (failure == null) {
                observe(reply.zxid());
                result.complete(reply);
                if (routed) {
                    leaderRoute.answered();
                }
                return;
            }
            Throwable cause = cause(failure);
            if (!retryable(cause) || System.nanoTime() > deadlineNanos) {
                result.completeExceptionally(cause);
                return;
            }
            // Short: a new leader is usually there within a second or two, and a refusal is cheap.
            long backoffMs = Math.min(200, 10L << Math.min(attempt, 5));
            group.schedule(() -> attempt(request, expected, deadlineNanos, attempt + 1, result), backoffMs, TimeUnit.MILLISECONDS);
        });
    }

    private static boolean isRetryable(ErrorCode code) {
        return code == ErrorCode.NOT_LEADER || code == ErrorCode.UNAVAILABLE || code == ErrorCode.TIMEOUT;
    }

    void observe(long zxid) {
        lastSeenZxid.accumulateAndGet(zxid, Math::max);
    }

    CompletableFuture<WireConnection> connectionAsync() {
        HostPort target;
        synchronized (connectLock) {
            if (connection != null && connection.isOpen()) {
                return CompletableFuture.completedFuture(connection);
            }
            target = options.addresses().get(nextAddress % options.addresses().size());
            nextAddress++;
        }
        return connectTo(target);
    }

    /** What failed, without the wrapper a dependent stage adds. */
    private static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** Worth another attempt: anything but a {@link SignalboxException} that says it is not retryable. */
    private static boolean retryable(Throwable cause) {
        return !(cause instanceof SignalboxException e) || e.retryable();
    }

    private CompletableFuture<WireConnection> connectTo(HostPort target) {
        return openAuthenticated(target).thenApply(opened -> {
            synchronized (connectLock) {
                if (connection != null && connection.isOpen() && connection != opened) {
                    opened.close();
                    return connection;
                }
                connection = opened;
                return opened;
            }
        });
    }

    /** A new connection to {@code target}, over TLS and with the token when the options have them. */
    private CompletableFuture<WireConnection> openAuthenticated(HostPort target) {
        return WireConnection.open(group, target, options.connectTimeoutMs(), options.outstandingMax(), tls == null ? null : tls.current())
                .thenCompose(this::authenticated);
    }

    /** With a token: sent first, and the connection is used only once the node accepted it. */
    private CompletableFuture<WireConnection> authenticated(WireConnection opened) {
        if (options.token() == null) {
            return CompletableFuture.completedFuture(opened);
        }
        return opened.call(new io.signalbox.protocol.AuthRequest(options.token()), options.requestTimeoutMs()).thenApply(answer -> {
            if (answer.reply() instanceof io.signalbox.protocol.ErrorReply error) {
                opened.close();
                throw new SignalboxException(error.code(), opened.address() + " refused the token: " + error.message(), "token");
            }
            return opened;
        });
    }

    private void dropConnection(WireConnection failed) {
        synchronized (connectLock) {
            if (connection == failed) {
                connection = null;
            }
        }
        failed.close();
    }

    private void redirect(WireConnection from, String hint) {
        HostPort leader;
        try {
            leader = HostPort.parse(hint);
        } catch (IllegalArgumentException e) {
            return;
        }
        synchronized (connectLock) {
            int index = options.addresses().indexOf(leader);
            if (index >= 0) {
                nextAddress = index;
            }
            if (connection == from) {
                connection = null;
            }
        }
        from.close();
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SignalboxException(ErrorCode.TIMEOUT, "interrupted", "");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SignalboxException s) {
                throw s;
            }
            throw new SignalboxException(ErrorCode.UNAVAILABLE, String.valueOf(e.getCause()), "");
        }
    }

    @Override
    public void close() {
        closed = true;
        if (leaderRoute != null) {
            leaderRoute.close();
        }
        synchronized (connectLock) {
            if (connection != null) {
                connection.close();
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
