package io.signalbox.register;

import io.signalbox.state.Command;
import java.util.Locale;

/**
 * What one registration wants the cluster to hold, what this sidecar last got committed, and
 * the command that closes the gap. Pure and explicit about time (every method that needs it
 * takes {@code nowMs}), so rise, fall, session changes and retry backoff are tested without a
 * clock or a network; thread-safe, because the registration's check thread, the stop path and
 * the status endpoint all look at it.
 *
 * <p>The rules: never register a server whose check has not passed {@code rise} times in a
 * row; once registered, a backend that fails {@code fall} times in a row is drained (or
 * removed); it comes back READY after {@code rise} passes. A new session means the old one's
 * servers are gone with it, so what was published counts as absent again. A failed command is
 * retried with backoff (250 ms doubling to 10 s), never more often.
 */
final class RegistrationState {
    /** What the cluster holds for this server, as far as this sidecar knows. */
    enum Published { ABSENT, READY, DRAIN }

    /** A command to send in {@code sessionId}; once committed, the cluster holds {@code target}. */
    record Step(Published target, long sessionId, Command command) {}

    /** A consistent copy for the status endpoint and the metrics. */
    record Snapshot(Registration registration, boolean healthy, int passesInRow, int failuresInRow, long passes, long failures,
                    CheckResult lastCheck, Published published, long sessionId, long publishedZxid, long commandsCommitted,
                    long commandsFailed, String lastError) {}

    static final long RETRY_DELAY_MS_MIN = 250;
    static final long RETRY_DELAY_MS_MAX = 10_000;

    private final Registration registration;
    private final CheckHistory history;
    private CheckResult lastCheck;
    private Published published = Published.ABSENT;
    private long publishedSession;
    private long publishedZxid;
    private int failedAttempts;
    private long retryAtMs;
    private long commandsCommitted;
    private long commandsFailed;
    private String lastError = "";

    RegistrationState(Registration registration) {
        this.registration = registration;
        this.history = new CheckHistory(registration.rise(), registration.fall());
    }

    Registration registration() {
        return registration;
    }

    synchronized CheckHistory.Change checked(CheckResult result) {
        lastCheck = result;
        return history.record(result.passed());
    }

    /** What the cluster should hold now. */
    synchronized Published wanted() {
        if (history.healthy()) {
            return Published.READY;
        }
        if (published == Published.ABSENT) {
            return Published.ABSENT; // never registered (or gone with a session): nothing to drain
        }
        return registration.onFailure() == Registration.OnFailure.DRAIN ? Published.DRAIN : Published.ABSENT;
    }

    /**
     * The command to send now in session {@code sessionId} (0: there is none right now), or
     * null when the cluster already holds what is wanted, there is no session, or a failed
     * attempt's backoff has not passed.
     */
    synchronized Step next(long sessionId, long nowMs) {
        if (sessionId == 0) {
            return null;
        }
        if (sessionId != publishedSession) {
            published = Published.ABSENT; // the previous session's servers left with it
            publishedSession = sessionId;
            failedAttempts = 0;
            retryAtMs = 0;
        }
        if (nowMs < retryAtMs) {
            return null;
        }
        Published want = wanted();
        if (want == published) {
            return null;
        }
        return step(want, sessionId);
    }

    /** On a graceful stop: the command that drains the server, or null when it is not serving. */
    synchronized Step drain(long sessionId) {
        return published == Published.READY && sessionId == publishedSession ? step(Published.DRAIN, sessionId) : null;
    }

    private Step step(Published target, long sessionId) {
        Registration r = registration;
        Command command = target == Published.ABSENT
                ? new Command.DeregisterServer(r.service(), r.name(), null)
                : new Command.RegisterServer(r.service(), r.name(), r.address().toString(), r.port(), r.weight(),
                        target.name().toLowerCase(Locale.ROOT), r.backup(), r.labels(), sessionId, null);
        return new Step(target, sessionId, command);
    }

    /** The step's command committed at {@code zxid} (0: it found nothing to change). */
    synchronized void succeeded(Step step, long zxid) {
        if (step.sessionId() == publishedSession) {
            published = step.target();
            publishedZxid = Math.max(publishedZxid, zxid);
        }
        commandsCommitted++;
        failedAttempts = 0;
        retryAtMs = 0;
        lastError = "";
    }

    /** The step failed; returns how long until the next attempt. */
    synchronized long failed(Step step, String error, long nowMs) {
        commandsFailed++;
        failedAttempts++;
        long delayMs = Math.min(RETRY_DELAY_MS_MAX, RETRY_DELAY_MS_MIN << Math.min(failedAttempts - 1, 10));
        retryAtMs = nowMs + delayMs;
        lastError = error;
        return delayMs;
    }

    synchronized int failedAttempts() {
        return failedAttempts;
    }

    synchronized Published published() {
        return published;
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(registration, history.healthy(), history.passesInRow(), history.failuresInRow(), history.passes(),
                history.failures(), lastCheck, published, publishedSession, publishedZxid, commandsCommitted, commandsFailed, lastError);
    }
}
