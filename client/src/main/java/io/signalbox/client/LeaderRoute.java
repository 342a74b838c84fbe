package io.signalbox.client;

import io.signalbox.protocol.HostPort;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.StatusRequest;
import io.signalbox.protocol.StatusResult;
import io.signalbox.protocol.wire.WireConnection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Where a client sends its commands: straight to the leader once it knows the leader's client
 * address. That saves the forward through the node it is connected to: a peer round trip and
 * that node's round per command (docs/benchmarks.md has the figures).
 *
 * <p>The leader is learned from a status of the connected node, in the background, once a command
 * was answered there; meanwhile,
 * and whenever the route is unknown or failed, commands go to the connected node, which forwards
 * them. A command keeps its client id and sequence on every node, so a stale or lost route costs
 * time, never a duplicate or a lost command. A route is checked again every {@link #RECHECK_NANOS},
 * so the client follows a new leader without being told. Thread-safe.
 */
final class LeaderRoute implements AutoCloseable {
    /** A known route is learned again this often. */
    static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** After no leader was found, or the route failed: at most one new attempt this often. */
    static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The client's connections, as the route needs them. */
    interface Connections {
        /** The client's own connection (opened if need be). */
        CompletableFuture<WireConnection> connected();

        /** A new connection to {@code address}, authenticated like the client's own; the route owns and closes it. */
        CompletableFuture<WireConnection> open(HostPort address);
    }

    private final Connections connections;
    private final int requestTimeoutMs;
    private final LongSupplier nanoClock;
    /** The route: the leader's connection, which may be the client's own; null while none is known. */
    private WireConnection leader;
    /** The connection this route opened (null: none, or the route is the client's own connection). */
    private WireConnection owned;
    private boolean learning;
    private long nextLearnNanos;
    private boolean closed;

    LeaderRoute(Connections connections, int requestTimeoutMs, LongSupplier nanoClock) {
        this.connections = connections;
        this.requestTimeoutMs = requestTimeoutMs;
        this.nanoClock = nanoClock;
        this.nextLearnNanos = nanoClock.getAsLong();
    }

    /** The connection for a command: the leader's when known and open, else the client's own. */
    CompletableFuture<WireConnection> forCommand() {
        WireConnection route;
        synchronized (this) {
            route = leader != null && leader.isOpen() ? leader : null;
        }
        return route != null ? CompletableFuture.completedFuture(route) : connections.connected();
    }

    /**
     * A command was answered: learns the route when it is due. Only after an answer, so the status is
     * never asked on a connection that is still being opened, or refused (a TLS alert must reach the
     * command that caused it, with its reason, not a status the client sent meanwhile).
     */
    void answered() {
        boolean learn;
        synchronized (this) {
            learn = !learning && !closed && nanoClock.getAsLong() - nextLearnNanos >= 0;
            learning |= learn;
        }
        if (learn) {
            learn();
        }
    }

    /** A command on {@code connection} failed: if it was the route, commands go to the client's own node until learned again. */
    void failed(WireConnection connection) {
        WireConnection toClose = null;
        synchronized (this) {
            if (connection != leader) {
                return;
            }
            leader = null;
            nextLearnNanos = nanoClock.getAsLong() + RETRY_NANOS;
            if (owned == connection) {
                toClose = owned;
                owned = null;
            }
        }
        if (toClose != null) {
            toClose.close();
        }
    }

    /** Where the route leads now (null: none); for tests and logs. */
    synchronized HostPort leaderAddress() {
        return leader == null || !leader.isOpen() ? null : leader.address();
    }

    /** A route learned: {@code opened} when this route opened the connection (and so closes it). */
    private record Learned(WireConnection connection, boolean opened) {}

    private void learn() {
        connections.connected()
                .thenCompose(own -> own.call(new StatusRequest(false), requestTimeoutMs).thenCompose(answer -> {
                    HostPort address = answer.reply() instanceof StatusResult status ? leaderAddress(status) : null;
                    if (address == null) {
                        return CompletableFuture.<Learned>completedFuture(null); // no leader now, or status refused
                    }
                    if (address.equals(own.address())) {
                        return CompletableFuture.completedFuture(new Learned(own, false));
                    }
                    synchronized (this) {
                        if (owned != null && owned.isOpen() && owned.address().equals(address)) {
                            return CompletableFuture.completedFuture(new Learned(owned, true));
                        }
                    }
                    return connections.open(address).thenApply(opened -> new Learned(opened, true));
                }))
                .whenComplete((learned, failure) -> settle(failure == null ? learned : null));
    }

    /** The client address of the leader that the answering node follows or is; null when it knows none. */
    static HostPort leaderAddress(StatusResult status) {
        Member self = status.self();
        Member leader = self == null || self.leaderId() == 0 ? null : status.member(self.leaderId());
        if (leader == null || leader.clientAddress().isEmpty()) {
            return null;
        }
        try {
            return HostPort.parse(leader.clientAddress());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void settle(Learned learned) {
        WireConnection route = learned == null ? null : learned.connection();
        WireConnection toClose = null;
        synchronized (this) {
            learning = false;
            nextLearnNanos = nanoClock.getAsLong() + (route != null ? RECHECK_NANOS : RETRY_NANOS);
            boolean ownsNew = learned != null && learned.opened() && route != owned;
            if (closed) {
                toClose = ownsNew ? route : null;
            } else {
                if (owned != null && owned != route) {
                    toClose = owned;
                    owned = null;
                }
                if (ownsNew) {
                    owned = route;
                }
                leader = route;
            }
        }
        if (toClose != null) {
            toClose.close();
        }
    }

    @Override
    public void close() {
        WireConnection toClose;
        synchronized (this) {
            closed = true;
            leader = null;
            toClose = owned;
            owned = null;
        }
        if (toClose != null) {
            toClose.close();
        }
    }
}
