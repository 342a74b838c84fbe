package io.signalbox.register;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.SignalboxClient;
import io.signalbox.common.Zxid;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.protocol.StatusResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health-checking sidecar: one session for all its registrations ({@link SessionKeeper}),
 * one thread per registration that checks the backend and keeps the cluster in step
 * ({@link RegistrationRunner}), and an optional status endpoint. Owns all of them and their
 * client: {@link #stop()} ends them gracefully, {@link #close()} at once.
 *
 * <p>A graceful stop: the registrations' threads end; every server that was serving is set
 * DRAIN; the sidecar waits until every proxy that serves those services (the sync agents'
 * applied-zxid reports, as the leader keeps them) runs the drain's zxid, or the drain timeout
 * passes; then it closes the session, which removes all its servers in one log entry.
 */
public final class Sidecar implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sidecar.class);
    /** How often the proxies' reports are read while a drain waits for them. */
    static final long DRAIN_POLL_MS = 50;

    /** How a stop went: {@code clean} when the session was closed (so every server left), or there was none. */
    public record StopOutcome(boolean clean, long elapsedMs) {}

    private final RegisterConfig config;
    private final SignalboxClient client;
    private final SessionKeeper sessions;
    private final List<RegistrationState> states = new ArrayList<>();
    private final List<RegistrationRunner> runners = new ArrayList<>();
    private StatusEndpoint endpoint;
    private volatile SidecarStatus.Phase phase = SidecarStatus.Phase.RUNNING;

    private Sidecar(RegisterConfig config) {
        this.config = config;
        // Commands give up after half a session timeout (1 to 5 s): a registration's thread then
        // runs its next check instead of waiting, and retries the command with backoff.
        int deadlineMs = Math.max(1_000, Math.min(5_000, config.sessionTimeoutMs() / 2));
        this.client = new SignalboxClient(ClientOptions.of(config.connect()).withRetryDeadlineMs(deadlineMs)
                .withRequestTimeoutMs(Math.min(2_000, deadlineMs)).withTls(config.tls())
                .withToken(io.signalbox.client.TokenFile.tokenOf(config.token())));
        this.sessions = new SessionKeeper(client, config.sessionTimeoutMs());
        for (Registration registration : config.registrations()) {
            RegistrationState state = new RegistrationState(registration);
            states.add(state);
            runners.add(new RegistrationRunner(state, client, sessions));
        }
    }

    /** Starts the status endpoint (if configured), the session and every registration's checks. */
    public static Sidecar start(RegisterConfig config) throws IOException {
        Sidecar sidecar = new Sidecar(config);
        try {
            if (config.statusAddress() != null) {
                sidecar.endpoint = StatusEndpoint.start(config.statusAddress(), sidecar::status);
                LOG.info("status endpoint on {}:{} (/health, /metrics, /status)", config.statusAddress().address(), sidecar.endpoint.port());
            }
        } catch (IOException e) {
            sidecar.client.close();
            throw new IOException("cannot listen on statusAddress " + config.statusAddress().address() + ":" + config.statusAddress().port()
                    + ": " + e.getMessage(), e);
        }
        sidecar.sessions.start();
        sidecar.runners.forEach(RegistrationRunner::start);
        return sidecar;
    }

    /** The status endpoint's port, -1 without one. */
    public int statusPort() {
        return endpoint == null ? -1 : endpoint.port();
    }

    SidecarStatus status() {
        List<RegistrationState.Snapshot> snapshots = new ArrayList<>();
        states.forEach(s -> snapshots.add(s.snapshot()));
        return new SidecarStatus(phase, sessions.currentId(), sessions.sessionsOpened(), sessions.problem(), snapshots);
    }

    private static long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    /** Drains, waits for the proxies (at most the drain timeout), closes the session; see the class comment. */
    public StopOutcome stop() throws InterruptedException {
        long startMs = nowMs();
        phase = SidecarStatus.Phase.DRAINING;
        for (RegistrationRunner runner : runners) {
            runner.stop();
        }
        long sessionId = sessions.currentId();
        long drainZxid = 0;
        Set<String> services = new TreeSet<>();
        List<String> drained = new ArrayList<>();
        for (RegistrationState state : states) {
            RegistrationState.Step step = state.drain(sessionId);
            if (step == null) {
                continue;
            }
            try {
                CommandResult committed = client.submit(step.command());
                state.succeeded(step, committed.zxid());
                drainZxid = Math.max(drainZxid, committed.zxid());
                services.add(state.registration().service());
                drained.add(state.registration().key());
            } catch (SignalboxException e) {
                LOG.warn("{}: cannot drain it in session {}: {}; it leaves when the session is closed or expires",
                        state.registration().key(), sessionId, e);
            }
        }
        if (drainZxid != 0) {
            LOG.info("stopping: drained {} in session {} at zxid {}; waiting up to {} ms for every proxy of {} to apply it", drained,
                    sessionId, Zxid.format(drainZxid), config.drainTimeoutMs(), services);
            awaitProxies(new DrainProgress(drainZxid, services, config.staleReportMs()), startMs + config.drainTimeoutMs());
        } else if (sessionId == 0) {
            LOG.info("stopping: no live session, so nothing of this sidecar is registered; nothing to drain");
        } else {
            LOG.info("stopping: no server of session {} was serving, nothing to drain", sessionId);
        }
        boolean clean = true;
        try {
            long closedAt = sessions.endSession();
            if (closedAt != 0) {
                LOG.info("session {} closed at zxid {}: its servers are deregistered", sessionId, Zxid.format(closedAt));
            }
        } catch (SignalboxException e) {
            clean = false;
            LOG.warn("cannot close session {}: {}; its servers leave when it expires, within {} ms", sessionId, e, config.sessionTimeoutMs());
        }
        phase = SidecarStatus.Phase.STOPPED;
        long elapsedMs = nowMs() - startMs;
        LOG.info("stopped in {} ms", elapsedMs);
        closeResources();
        return new StopOutcome(clean, elapsedMs);
    }

    private void awaitProxies(DrainProgress progress, long deadlineMs) throws InterruptedException {
        long startMs = nowMs();
        String problem = "";
        while (true) {
            try {
                StatusResult status = client.status();
                if (status.proxiesNote().isEmpty()) {
                    progress.observe(status.proxies(), nowMs());
                } else {
                    problem = status.proxiesNote();
                }
            } catch (SignalboxException e) {
                problem = e.toString();
            }
            if (progress.done()) {
                LOG.info("every proxy applied zxid {} after {} ms: {}{}", Zxid.format(progress.zxid()), nowMs() - startMs,
                        progress.applied().isEmpty() ? "no proxy reports to the cluster" : String.join(", ", progress.applied()),
                        progress.silent().isEmpty() ? "" : "; not waited for: " + String.join(", ", progress.silent()));
                return;
            }
            if (nowMs() >= deadlineMs) {
                LOG.warn("drain timeout passed ({} ms): still behind zxid {}: {}{}; deregistering anyway", config.drainTimeoutMs(),
                        Zxid.format(progress.zxid()), progress.behind().isEmpty() ? "no proxy report read" : String.join(", ", progress.behind()),
                        problem.isEmpty() ? "" : " (" + problem + ")");
                return;
            }
            Thread.sleep(Math.min(DRAIN_POLL_MS, Math.max(1, deadlineMs - nowMs())));
        }
    }

    private void closeResources() {
        if (endpoint != null) {
            endpoint.close();
        }
        client.close();
    }

    /** Ends everything now, without draining: the session is closed if the cluster answers, so the servers leave at once. */
    @Override
    public void close() {
        if (phase == SidecarStatus.Phase.STOPPED) {
            return;
        }
        phase = SidecarStatus.Phase.STOPPED;
        try {
            for (RegistrationRunner runner : runners) {
                runner.stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sessions.close();
        closeResources();
    }
}
