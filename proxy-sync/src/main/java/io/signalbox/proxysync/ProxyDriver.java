package io.signalbox.proxysync;

import io.signalbox.state.Configuration;

/**
 * Converges one proxy to a configuration. The {@link SyncAgent} owns the event stream, the
 * view, the state directory and the reports; a driver only knows its proxy.
 *
 * <p>Contract: every method is called from the agent's one sync thread. {@link #converge}
 * is idempotent: called twice with the same configuration, the second call changes nothing
 * in the proxy (so replaying events the proxy already applied has no effect). It never
 * throws for a proxy problem: it returns a {@link Pass} saying what failed, and the proxy
 * keeps running what it ran before the part that failed.
 */
public interface ProxyDriver extends AutoCloseable {
    /** "haproxy" or "nginx": what the agent reports to the cluster. */
    String proxy();

    /**
     * Called once, before the first pass, with the agent's view as loaded from its state
     * directory (possibly empty). A managed driver starts its proxy here. Throws when the
     * proxy cannot be reached or started, with the reason.
     */
    void start(Configuration current);

    /**
     * Makes the proxy run {@code wanted}. With {@code checkProxy} the driver compares with
     * what the proxy itself reports (drift repair; also the first pass after start) instead
     * of what it last did.
     */
    Pass converge(Configuration wanted, boolean checkProxy);

    /**
     * Milliseconds until the driver needs another pass for work it deferred (such as deleting
     * a server once its drain grace period is over), or -1 when it has none.
     */
    long deferredWorkDelayMs();

    /** Stops what the driver started (a managed proxy); the agent calls it once, last. */
    @Override
    void close();

    /**
     * The outcome of one pass.
     *
     * @param complete true when the proxy now runs {@code wanted} entirely
     * @param failure what went wrong, in the proxy's words, when not complete
     * @param commands runtime commands sent
     * @param reloads reloads done (0 or 1)
     * @param repairs differences found in the proxy that the driver had not made (drift)
     */
    record Pass(boolean complete, String failure, int commands, int reloads, int repairs) {
        public static Pass done(int commands, int reloads, int repairs) {
            return new Pass(true, "", commands, reloads, repairs);
        }

        public static Pass failed(String failure, int commands, int reloads, int repairs) {
            return new Pass(false, failure, commands, reloads, repairs);
        }
    }
}
