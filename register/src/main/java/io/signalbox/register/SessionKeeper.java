package io.signalbox.register;

import io.signalbox.client.ClientSession;
import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.state.Command;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one live session for the whole sidecar, on its own thread (owned here, stopped by
 * {@link #close()}): opens it, with backoff while the cluster cannot be reached (saying so on
 * every attempt), and opens a new one when the cluster says the old one expired (the sidecar
 * was cut off for longer than the timeout, so its servers already left). Keep-alives are the
 * client's: every third of the timeout, to whichever node answers, so a node's failure moves
 * the session to another node well before it could expire.
 */
final class SessionKeeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionKeeper.class);
    static final long RETRY_DELAY_MS_MIN = 250;
    static final long RETRY_DELAY_MS_MAX = 10_000;
    /** How often the thread looks at whether the session expired. */
    private static final long LOOK_EVERY_MS = 50;

    private final SignalboxClient client;
    private final int timeoutMs;
    private final long joinLimitMs;
    private final Thread thread;
    private final Object wake = new Object();
    private final AtomicLong opened = new AtomicLong();
    private volatile ClientSession session;
    private volatile long lostId;
    private volatile boolean closed;
    private volatile String problem = "no session opened yet";

    SessionKeeper(SignalboxClient client, int timeoutMs) {
        this.client = client;
        this.timeoutMs = timeoutMs;
        this.joinLimitMs = client.options().retryDeadlineMs() + 2_000L;
        this.thread = new Thread(this::run, "signalbox-register-session");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** The live session's id, or 0 while there is none. */
    long currentId() {
        ClientSession current = session;
        return current == null || current.expired() || current.id() == lostId ? 0 : current.id();
    }

    long sessionsOpened() {
        return opened.get();
    }

    /** Why there is no live session, or "" when there is one. */
    String problem() {
        return currentId() == 0 ? problem : "";
    }

    /** A command was refused because the cluster no longer knows session {@code id}: open another now. */
    void lost(long id) {
        lostId = id;
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void run() {
        int attempt = 0;
        while (!closed) {
            ClientSession current = session;
            if (current != null && (current.expired() || current.id() == lostId)) {
                LOG.warn("session {} expired: the cluster did not hear from this sidecar for {} ms, so its servers left; opening a new one",
                        current.id(), timeoutMs);
                problem = "session " + current.id() + " expired; opening a new one";
                session = null;
                current = null;
            }
            if (current == null) {
                long triedFromNanos = System.nanoTime();
                try {
                    current = client.openSession(timeoutMs);
                } catch (SignalboxException e) {
                    attempt++;
                    long delayMs = Math.min(RETRY_DELAY_MS_MAX, RETRY_DELAY_MS_MIN << Math.min(attempt - 1, 10));
                    problem = "cannot open a session: " + e;
                    LOG.warn("cannot open a session on the cluster at {} (tried every node for {} ms): {}; retrying in {} ms (attempt {});"
                            + " nothing is registered until one is open", client.options().addresses(),
                            (System.nanoTime() - triedFromNanos) / 1_000_000, e, delayMs, attempt);
                    pause(delayMs);
                    continue;
                }
                attempt = 0;
                session = current;
                opened.incrementAndGet();
                LOG.info("session {} opened (timeout {} ms) on the cluster at {}", current.id(), timeoutMs, client.options().addresses());
                if (closed) {
                    break; // stopped while it was being opened: close() ends it
                }
            }
            pause(LOOK_EVERY_MS);
        }
    }

    private void pause(long ms) {
        synchronized (wake) {
            if (!closed) {
                try {
                    wake.wait(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed = true;
                }
            }
        }
    }

    /**
     * Stops the thread, then ends the session: its ephemeral servers leave in the same log entry.
     * Returns the zxid that ended it, 0 when there was no live session.
     *
     * @throws SignalboxException when the cluster cannot be reached (the session then expires on its own)
     */
    long endSession() throws InterruptedException {
        stopThread();
        ClientSession current = session;
        session = null;
        if (current == null || current.expired()) {
            return 0;
        }
        CommandResult ended = client.submit(new Command.CloseSession(current.id()));
        try {
            current.close(); // cancels the keep-alives; its own CloseSession finds the session gone
        } catch (SignalboxException alreadyClosed) {
            // expected: closed just above
        }
        return ended.zxid();
    }

    private void stopThread() throws InterruptedException {
        closed = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        thread.join(joinLimitMs);
    }

    @Override
    public void close() {
        try {
            stopThread();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ClientSession current = session;
        session = null;
        if (current != null && !current.expired()) {
            try {
                current.close();
            } catch (SignalboxException e) {
                LOG.warn("session {} not closed ({}): it expires within {} ms", current.id(), e, timeoutMs);
            }
        }
    }
}
