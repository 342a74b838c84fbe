package io.signalbox.server.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.Role;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's meters, in one Prometheus registry served at {@code /metrics}. Names follow
 * Prometheus conventions (base units, {@code _total} for counters, added by Micrometer).
 */
public final class NodeMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter proposals;
    private final Counter commits;
    private final Counter elections;
    private final Timer commitLatency;
    /** The same latencies again, lock-free, for the per-second p99 of {@code /metrics/history}. */
    private final LatencyHistogram commitLatencyHistogram = new LatencyHistogram();
    private final Timer appendLatency;
    private final Timer electionDuration;
    private final AtomicLong role = new AtomicLong();
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong committedZxid = new AtomicLong();
    private final AtomicLong lastZxid = new AtomicLong();
    private final AtomicLong followerLagMax = new AtomicLong();
    private final AtomicLong clientConnections = new AtomicLong();
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong subscribers = new AtomicLong();
    private final AtomicLong peerDrops = new AtomicLong();
    private final AtomicLong readsOffLoop = new AtomicLong();
    private long lookingSinceNanos = System.nanoTime();

    private final java.util.List<java.util.function.LongSupplier> groupCommitSources = new java.util.ArrayList<>();

    public NodeMetrics(int nodeId) {
        registry.config().commonTags("node", String.valueOf(nodeId));
        proposals = Counter.builder("signalbox.proposals").description("commands proposed by this node as leader").register(registry);
        commits = Counter.builder("signalbox.commits").description("log entries committed and applied").register(registry);
        elections = Counter.builder("signalbox.elections").description("elections this node finished").register(registry);
        commitLatency = Timer.builder("signalbox.commit.latency")
                .description("from a write's arrival on this node's client port to its answer (forwarding to the leader included)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        appendLatency = Timer.builder("signalbox.append.latency").description("from an append queued to durable (queue, write, fsync)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        electionDuration = Timer.builder("signalbox.election.duration").description("from looking to following or leading")
                .register(registry);
        registry.gauge("signalbox.role", role);
        registry.gauge("signalbox.epoch", epoch);
        registry.gauge("signalbox.zxid.committed", committedZxid);
        registry.gauge("signalbox.zxid.last", lastZxid);
        // On the leader: the most entries any synced follower has not yet acked durably; 0 elsewhere.
        registry.gauge("signalbox.follower.lag.entries.max", followerLagMax);
        registry.gauge("signalbox.client.connections", clientConnections);
        registry.gauge("signalbox.sessions", sessions);
        registry.gauge("signalbox.subscribers", subscribers);
        registry.gauge("signalbox.peer.messages.dropped", peerDrops);
        FunctionCounter.builder("signalbox.local.reads.off.loop", readsOffLoop, AtomicLong::get)
                .description("LOCAL reads of one service answered on the network thread, without entering the node loop").register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }

    void roleChanged(Effect.RoleChanged change) {
        role.set(change.role() == Role.LEADING ? 2 : change.role() == Role.FOLLOWING ? 1 : 0);
        epoch.set(change.epoch());
        if (change.role() == Role.LOOKING) {
            lookingSinceNanos = System.nanoTime();
        } else if (change.established()) {
            elections.increment();
            electionDuration.record(System.nanoTime() - lookingSinceNanos, TimeUnit.NANOSECONDS);
        }
    }

    void proposed() {
        proposals.increment();
    }

    void committed(long zxid) {
        commits.increment();
        committedZxid.set(zxid);
    }

    void commitLatency(long nanos) {
        commitLatency.record(nanos, TimeUnit.NANOSECONDS);
        commitLatencyHistogram.record(nanos);
    }

    long commitsTotal() {
        return (long) commits.count();
    }

    long[] commitLatencyCounts() {
        return commitLatencyHistogram.snapshot();
    }

    void appended(long nanos) {
        appendLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Group commit's totals: fsync rounds and entries they made durable; entries / rounds is the batch size. */
    void groupCommit(java.util.function.LongSupplier rounds, java.util.function.LongSupplier entries) {
        // A function counter holds its object weakly: a lambda only the registry knew read 0 after the first GC.
        groupCommitSources.add(rounds);
        groupCommitSources.add(entries);
        FunctionCounter.builder("signalbox.fsync.rounds", rounds, r -> r.getAsLong())
                .description("group-commit rounds: one synced write each").register(registry);
        FunctionCounter.builder("signalbox.fsync.entries", entries, e -> e.getAsLong())
                .description("entries made durable by group commit").register(registry);
    }

    void lastZxid(long zxid) {
        lastZxid.set(zxid);
    }

    void followerLagMax(long entries) {
        followerLagMax.set(entries);
    }

    public void clientConnections(long delta) {
        clientConnections.addAndGet(delta);
    }

    void sessions(long count) {
        sessions.set(count);
    }

    void subscribers(long count) {
        subscribers.set(count);
    }

    public void readOffLoop() {
        readsOffLoop.incrementAndGet();
    }

    public void peerMessageDropped() {
        peerDrops.incrementAndGet();
    }

    public void requestError(String reason) {
        registry.counter("signalbox.request.errors", "reason", reason).increment();
    }
}
