package io.signalbox.proxysync;

import io.signalbox.client.SignalboxClient;
import io.signalbox.common.Zxid;
import io.signalbox.protocol.ProxyReport;
import io.signalbox.protocol.SignalboxException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an agent's reports to the cluster, at most one in flight: a report asked for while
 * one is on its way replaces any other waiting one and goes when the first is answered.
 * Reports are state, not events, so only the latest matters.
 */
final class ClusterReporter {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterReporter.class);

    private final SignalboxClient client;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private final AtomicReference<ProxyReport> waiting = new AtomicReference<>();
    private volatile boolean lastFailed;

    ClusterReporter(SignalboxClient client) {
        this.client = client;
    }

    void send(ProxyReport report) {
        waiting.set(report);
        drain();
    }

    private void drain() {
        if (!inFlight.compareAndSet(false, true)) {
            return;
        }
        ProxyReport next = waiting.getAndSet(null);
        if (next == null) {
            inFlight.set(false);
            if (waiting.get() != null) {
                drain(); // a report arrived between the two steps above
            }
            return;
        }
        client.reportAsync(next).whenComplete((response, failure) -> {
            if (failure != null && !lastFailed) {
                LOG.warn("agent {}: the cluster did not take its report (applied zxid {}): {}; will repeat it",
                        next.agentId(), Zxid.format(next.appliedZxid()), reason(failure));
            }
            lastFailed = failure != null;
            inFlight.set(false);
            drain();
        });
    }

    /** The error code with the message ({@code PERMISSION_DENIED: agent may not report ...}), as ctl prints it. */
    static String reason(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof SignalboxException refused ? refused.code() + ": " + refused.getMessage() : String.valueOf(cause.getMessage());
    }
}
