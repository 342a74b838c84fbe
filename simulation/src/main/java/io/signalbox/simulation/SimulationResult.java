package io.signalbox.simulation;

import java.util.List;

/**
 * The outcome of one seed. {@code invariant} is null when every check passed.
 *
 * @param acknowledged     commands a client was told are committed
 * @param clientOperations register operations of the clients checked for linearizability
 */
public record SimulationResult(
        SimulationOptions options,
        long ticks,
        long commits,
        long acknowledged,
        long clientOperations,
        long traceDigest,
        long elapsedMs,
        String invariant,
        String detail,
        List<String> recentEvents) {

    static SimulationResult passed(SimulationOptions options, long ticks, long commits, long acknowledged, long clientOperations,
                                   long digest, long elapsedMs) {
        return new SimulationResult(options, ticks, commits, acknowledged, clientOperations, digest, elapsedMs, null, null, List.of());
    }

    static SimulationResult failed(SimulationOptions options, long ticks, long commits, long digest, long elapsedMs,
                                   String invariant, String detail, List<String> recentEvents) {
        return new SimulationResult(options, ticks, commits, 0, 0, digest, elapsedMs, invariant, detail, recentEvents);
    }

    /** One line per seed: {@code seed=... ok|VIOLATION ticks=... commits=... ... trace_digest=... elapsed_ms=...}. */
    public String line() {
        return String.format("seed=%d %s ticks=%d commits=%d acknowledged=%d client_ops_linearizable=%d trace_digest=%016x elapsed_ms=%d",
                seed(), violated() ? "VIOLATION" : "ok", ticks(), commits(), acknowledged(), clientOperations(), traceDigest(), elapsedMs());
    }

    public boolean violated() {
        return invariant != null;
    }

    public long seed() {
        return options.seed();
    }

    /** The report printed for a violation: seed, invariant, what broke, the last events, and how to reproduce. */
    public String report() {
        StringBuilder out = new StringBuilder();
        out.append("VIOLATION seed=").append(seed()).append(" invariant=").append(invariant).append('\n');
        out.append("  ").append(detail).append('\n');
        out.append("  options: ").append(options).append('\n');
        out.append("  last events:\n");
        for (String line : recentEvents) {
            out.append("    ").append(line).append('\n');
        }
        out.append("  reproduce: ./signalbox simulate --seed ").append(seed()).append(" --nodes ").append(options.nodes())
                .append(" --ticks ").append(options.safetyTicks());
        for (io.signalbox.consensus.Bug bug : options.bugs()) {
            out.append(" --bug ").append(bug.switchName());
        }
        return out.append('\n').toString();
    }
}
