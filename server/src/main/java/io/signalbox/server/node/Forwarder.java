package io.signalbox.server.node;

import io.netty.channel.EventLoopGroup;
import io.signalbox.protocol.ClientRequest;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.HostPort;
import io.signalbox.protocol.Request;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.protocol.wire.WireConnection;
import io.signalbox.server.NodeConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A follower's link to its leader's client port, for commands and linearizable reads it
 * cannot serve itself. The answer goes back under the client's own request id; a retried
 * command keeps its client id and sequence, so forwarding adds no duplicates.
 */
final class Forwarder implements AutoCloseable {
    static final int FORWARDED_OUTSTANDING_MAX = 10_000;

    private final NodeConfig config;
    private final EventLoopGroup group;
    private int leaderId;
    private CompletableFuture<WireConnection> connection;

    Forwarder(NodeConfig config, EventLoopGroup group) {
        this.config = config;
        this.group = group;
    }

    /** Loop thread. */
    synchronized void leaderChanged(int newLeaderId) {
        if (newLeaderId == leaderId) {
            return;
        }
        leaderId = newLeaderId;
        if (connection != null) {
            connection.thenAccept(WireConnection::close);
            connection = null;
        }
    }

    /** True when this node follows a known leader other than itself. */
    synchronized boolean knowsLeader() {
        return leaderId != 0 && leaderId != config.id();
    }

    void forward(Request request, Responder responder) {
        long clientRequestId = request.requestId();
        ask(request.body()).whenComplete((response, failure) -> {
            if (failure == null) {
                responder.respond(new Response(clientRequestId, response.reply()));
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            ErrorCode code = cause instanceof SignalboxException e ? e.code() : ErrorCode.UNAVAILABLE;
            responder.respond(Answers.error(clientRequestId, code, "forwarding to the leader failed: " + cause.getMessage()));
        });
    }

    /** Sends {@code request} to the leader; fails with UNAVAILABLE when no leader is known. */
    CompletableFuture<Response> ask(ClientRequest request) {
        CompletableFuture<WireConnection> link;
        synchronized (this) {
            if (leaderId == 0 || leaderId == config.id()) {
                return CompletableFuture.failedFuture(new SignalboxException(ErrorCode.UNAVAILABLE,
                        "node " + config.id() + " knows no leader right now; retry", ""));
            }
            if (connection == null || (connection.isDone() && !connection.isCompletedExceptionally()
                    && !connection.join().isOpen()) || connection.isCompletedExceptionally()) {
                NodeConfig.Member leader = config.member(leaderId);
                connection = WireConnection.open(group, new HostPort(leader.host(), leader.clientPort()), 2_000,
                        FORWARDED_OUTSTANDING_MAX);
            }
            link = connection;
        }
        return link.thenCompose(c -> c.call(request, config.requestTimeoutMs()));
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.thenAccept(WireConnection::close);
        }
    }
}
