package io.signalbox.register;

import io.signalbox.client.SignalboxClient;
import io.signalbox.common.Zxid;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.SignalboxException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One registration's thread (owned here, stopped by {@link #stop()}): every interval, run the
 * check, feed {@link RegistrationState}, and send the command it asks for, if any. Checks
 * start at a fixed rate; a slow check or command delays the next one, never two at once.
 * Logs one line per event: the first failure after passes (and the reverse), each change of
 * health, each command committed with its session and zxid, each refusal with its retry.
 */
final class RegistrationRunner {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrationRunner.class);

    private final RegistrationState state;
    private final SignalboxClient client;
    private final SessionKeeper sessions;
    private final Thread thread;
    private final Object wake = new Object();
    private final long joinLimitMs;
    private volatile boolean stopping;
    private Boolean lastLoggedPass;

    RegistrationRunner(RegistrationState state, SignalboxClient client, SessionKeeper sessions) {
        this.state = state;
        this.client = client;
        this.sessions = sessions;
        this.joinLimitMs = state.registration().timeoutMs() + client.options().retryDeadlineMs() + 2_000L;
        this.thread = new Thread(this::run, "signalbox-register-" + state.registration().key());
        thread.setDaemon(true);
    }

    void start() {
        Registration r = state.registration();
        LOG.info("{}: checking {} every {} ms (timeout {} ms, rise {}, fall {}, on failure {}); registering {}:{} weight {} once it passes",
                r.key(), r.check(), r.intervalMs(), r.timeoutMs(), r.rise(), r.fall(), r.onFailure().name().toLowerCase(Locale.ROOT),
                r.address(), r.port(), r.weight());
        thread.start();
    }

    private static long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    private void run() {
        Registration r = state.registration();
        long nextMs = nowMs();
        while (!stopping) {
            CheckResult result = Checks.run(r.check(), r.timeoutMs());
            if (stopping) {
                break; // the stop path owns the registration from here
            }
            logResult(result, state.checked(result));
            publish();
            nextMs += r.intervalMs();
            long now = nowMs();
            if (nextMs < now) {
                nextMs = now; // a slow check or command: start the next one now, never catch up with a burst
            }
            pause(nextMs - now);
        }
    }

    private void logResult(CheckResult result, CheckHistory.Change change) {
        RegistrationState.Snapshot s = state.snapshot();
        String key = s.registration().key();
        if (change == CheckHistory.Change.BECAME_HEALTHY) {
            LOG.info("{}: check {}, {} in a row: healthy", key, result, s.passesInRow());
        } else if (change == CheckHistory.Change.BECAME_UNHEALTHY) {
            LOG.warn("{}: check {}, {} in a row: unhealthy", key, result, s.failuresInRow());
        } else if (lastLoggedPass == null || lastLoggedPass != result.passed()) {
            int needed = result.passed() ? s.registration().rise() : s.registration().fall();
            int inRow = result.passed() ? s.passesInRow() : s.failuresInRow();
            String still = s.healthy() == result.passed() ? "" : ", " + inRow + " of " + needed + " in a row";
            LOG.info("{}: check {}{}{}", key, result, still, s.healthy() ? " (healthy)" : " (unhealthy)");
        }
        lastLoggedPass = result.passed();
    }

    private void publish() {
        RegistrationState.Step step = state.next(sessions.currentId(), nowMs());
        if (step == null) {
            return;
        }
        String key = state.registration().key();
        String target = step.target().name();
        try {
            CommandResult committed = client.submit(step.command());
            state.succeeded(step, committed.zxid());
            LOG.info("{}: {} in session {} at zxid {}", key, step.target() == RegistrationState.Published.ABSENT ? "deregistered"
                    : "registered " + target, step.sessionId(), Zxid.format(committed.zxid()));
        } catch (SignalboxException e) {
            if (step.target() == RegistrationState.Published.ABSENT && e.code() == ErrorCode.INVALID) {
                state.succeeded(step, 0); // it is already gone (an operator removed it): what was wanted
                LOG.info("{}: already absent ({})", key, e.getMessage());
                return;
            }
            if (e.code() == ErrorCode.INVALID && e.field().startsWith("session")) {
                sessions.lost(step.sessionId());
            }
            long delayMs = state.failed(step, e.toString(), nowMs());
            LOG.warn("{}: cannot set {} in session {}: {}; retrying in {} ms (attempt {})", key, target, step.sessionId(), e, delayMs,
                    state.failedAttempts());
        }
    }

    private void pause(long ms) {
        if (ms <= 0) {
            return;
        }
        synchronized (wake) {
            if (!stopping) {
                try {
                    wake.wait(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopping = true;
                }
            }
        }
    }

    /** Stops the thread: it finishes the check or command under way (bounded by their timeouts), then ends. */
    void stop() throws InterruptedException {
        stopping = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        thread.join(joinLimitMs);
        if (thread.isAlive()) {
            thread.interrupt();
            thread.join(1_000);
        }
    }
}
