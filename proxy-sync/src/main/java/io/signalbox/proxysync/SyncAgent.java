package io.signalbox.proxysync;

import io.signalbox.client.SignalboxClient;
import io.signalbox.client.Subscription;
import io.signalbox.common.Zxid;
import io.signalbox.protocol.ProxyReport;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.state.Configuration;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.Limits;
import io.signalbox.state.codec.StateCodec;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the cluster's event stream and keeps one proxy converged to it through a
 * {@link ProxyDriver}. Events fold into the agent's own view (the {@code state} module's
 * state machine) on the client's thread; one sync thread, owned by the agent, runs passes:
 * a burst of events becomes one pass, after a debounce window, never later than a maximum
 * delay. The view is saved in the state directory, and the stream resumes from its zxid
 * after any restart; since a pass plans only what differs, replayed events change nothing.
 * After each pass, and every few seconds, the agent reports to the cluster the zxid its proxy
 * runs, or the failure.
 */
public final class SyncAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncAgent.class);

    private final SignalboxClient client;
    private final ProxyDriver driver;
    private final AgentStateDir dir;
    private final SyncOptions options;
    private final ClusterReporter reporter;
    private final Object lock = new Object();
    private final Thread thread;
    private LbStateMachine view;
    private boolean dirty;
    private long firstDirtyNanos;
    private long lastEventNanos;
    private volatile boolean closed;
    private volatile long appliedZxid;
    private volatile long failedZxid;
    private volatile String failure = "";
    private volatile long reloads;
    private volatile long commands;
    private volatile long repairs;
    private volatile long passes;
    private Subscription subscription;

    private SyncAgent(SignalboxClient client, ProxyDriver driver, AgentStateDir dir, SyncOptions options) {
        this.client = client;
        this.driver = driver;
        this.dir = dir;
        this.options = options;
        this.reporter = new ClusterReporter(client);
        this.view = dir.loadView();
        this.appliedZxid = dir.appliedZxid();
        this.thread = new Thread(this::run, "signalbox-sync-" + driver.proxy());
    }

    /**
     * Loads the view from {@code dir}, starts the driver (a managed driver starts its proxy),
     * subscribes from the view's zxid and starts the sync thread. Throws with the reason when
     * the driver cannot start; nothing is left running then.
     */
    public static SyncAgent start(SignalboxClient client, ProxyDriver driver, AgentStateDir dir, SyncOptions options) {
        SyncAgent agent = new SyncAgent(client, driver, dir, options);
        Configuration initial;
        synchronized (agent.lock) {
            initial = options.scope(agent.view.configuration());
        }
        driver.start(initial);
        LOG.info("agent {}: {} sync starting from zxid {} (proxy last ran {}), services {}", options.agentId(), driver.proxy(),
                Zxid.format(initial.zxid()), Zxid.format(agent.appliedZxid),
                options.services().isEmpty() ? "all" : String.join(",", options.services()));
        agent.thread.start();
        agent.subscription = client.subscribe(initial.zxid(), options.services(), agent.new Listener());
        return agent;
    }

    /** The zxid the proxy runs completely. */
    public long appliedZxid() {
        return appliedZxid;
    }

    /** The zxid of the agent's view (what the proxy is being converged to). */
    public long viewZxid() {
        synchronized (lock) {
            return view.appliedZxid();
        }
    }

    /** The last failure, empty after a complete pass. */
    public String failure() {
        return failure;
    }

    public long reloads() {
        return reloads;
    }

    public long commands() {
        return commands;
    }

    public long repairs() {
        return repairs;
    }

    public long passes() {
        return passes;
    }

    private final class Listener implements Subscription.Listener {
        /** Set while the stream is broken, so an outage logs one line when it starts and one when it ends. */
        private boolean interrupted;

        private void resumed() {
            if (interrupted) {
                interrupted = false;
                LOG.info("agent {}: event stream resumed at zxid {}", options.agentId(), Zxid.format(viewZxid()));
            }
        }

        @Override
        public void onSnapshot(long zxid, Configuration configuration) {
            LbStateMachine restored = LbStateMachine.restore(StateCodec.snapshotOf(configuration), Limits.DEFAULTS, 2);
            resumed();
            synchronized (lock) {
                if (zxid >= view.appliedZxid()) {
                    view = restored;
                    changed();
                }
            }
            LOG.info("agent {}: took a snapshot of the configuration at zxid {} ({} services, {} servers)", options.agentId(),
                    Zxid.format(zxid), configuration.services().size(), configuration.servers().values().stream().mapToInt(List::size).sum());
        }

        @Override
        public void onEntry(StreamEntry entry) {
            resumed();
            synchronized (lock) {
                if (entry.zxid() > view.appliedZxid()) {
                    view.apply(entry.zxid(), entry.events());
                    changed();
                }
            }
        }

        @Override
        public void onInterrupted(Throwable cause) {
            if (interrupted) {
                LOG.debug("agent {}: event stream still interrupted: {}", options.agentId(), cause.getMessage());
                return;
            }
            interrupted = true;
            LOG.info("agent {}: event stream interrupted at zxid {} ({}); resuming", options.agentId(),
                    Zxid.format(viewZxid()), cause.getMessage());
        }
    }

    /** Under {@link #lock}. */
    private void changed() {
        long now = System.nanoTime();
        if (!dirty) {
            dirty = true;
            firstDirtyNanos = now;
        }
        lastEventNanos = now;
        lock.notifyAll();
    }

    private void run() {
        long nextCheckNanos = System.nanoTime(); // the first pass compares with the proxy itself
        long nextReportNanos = System.nanoTime();
        long nextSaveNanos = System.nanoTime();
        long savedViewZxid = -1;
        int failuresInARow = 0;
        while (!closed) {
            long now = System.nanoTime();
            boolean check = now - nextCheckNanos >= 0;
            long deferred = driver.deferredWorkDelayMs();
            Configuration wanted = null;
            byte[] viewToSave = null;
            synchronized (lock) {
                boolean due = dirty && (now - lastEventNanos >= ms(options.debounceMs()) || now - firstDirtyNanos >= ms(options.maxDelayMs()));
                if (due || check || deferred == 0) {
                    wanted = options.scope(view.configuration());
                    dirty = false;
                    if (now - nextSaveNanos >= 0 && view.appliedZxid() != savedViewZxid) {
                        viewToSave = view.snapshot();
                        savedViewZxid = view.appliedZxid();
                        nextSaveNanos = now + ms(options.viewSaveEveryMs());
                    }
                } else if (now - nextReportNanos < 0) {
                    long waitNanos = Math.min(nextCheckNanos - now, nextReportNanos - now);
                    if (dirty) {
                        waitNanos = Math.min(waitNanos, Math.min(lastEventNanos + ms(options.debounceMs()) - now,
                                firstDirtyNanos + ms(options.maxDelayMs()) - now));
                    }
                    if (deferred > 0) {
                        waitNanos = Math.min(waitNanos, ms(deferred));
                    }
                    waitQuietly(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
                    continue;
                }
            }
            if (wanted != null) {
                boolean complete = pass(wanted, check);
                failuresInARow = complete ? 0 : failuresInARow + 1;
                long retryMs = complete ? options.driftCheckMs() : Math.min(options.driftCheckMs(), 500L << Math.min(failuresInARow, 5));
                if (check || !complete) {
                    nextCheckNanos = System.nanoTime() + ms(retryMs);
                }
                if (viewToSave != null) {
                    dir.saveView(viewToSave);
                }
            }
            if (wanted != null || System.nanoTime() - nextReportNanos >= 0) {
                reporter.send(report());
                nextReportNanos = System.nanoTime() + ms(options.reportEveryMs());
            }
        }
    }

    private boolean pass(Configuration wanted, boolean checkProxy) {
        long started = System.nanoTime();
        ProxyDriver.Pass pass;
        try {
            pass = driver.converge(wanted, checkProxy);
        } catch (RuntimeException e) {
            pass = ProxyDriver.Pass.failed(e.toString(), 0, 0, 0);
            LOG.error("agent {}: {} driver broke its contract and threw", options.agentId(), driver.proxy(), e);
        }
        passes++;
        commands += pass.commands();
        reloads += pass.reloads();
        repairs += pass.repairs();
        long micros = (System.nanoTime() - started) / 1_000;
        if (pass.complete()) {
            boolean recovered = !failure.isEmpty();
            failure = "";
            failedZxid = 0;
            if (wanted.zxid() != appliedZxid) {
                appliedZxid = wanted.zxid();
                dir.saveAppliedZxid(appliedZxid);
            }
            if (recovered || pass.reloads() > 0 || pass.repairs() > 0) {
                LOG.info("agent {}: {} runs zxid {}: {} commands, {} reloads, {} repairs in {} ms", options.agentId(), driver.proxy(),
                        Zxid.format(appliedZxid), pass.commands(), pass.reloads(), pass.repairs(), micros / 1000);
            }
        } else {
            if (!pass.failure().equals(failure) || failedZxid != wanted.zxid()) {
                LOG.warn("agent {}: {} could not apply zxid {} (still runs {}): {}", options.agentId(), driver.proxy(),
                        Zxid.format(wanted.zxid()), Zxid.format(appliedZxid), pass.failure());
            }
            failure = pass.failure();
            failedZxid = wanted.zxid();
        }
        return pass.complete();
    }

    private ProxyReport report() {
        String text = failure;
        return new ProxyReport(options.agentId(), driver.proxy(), options.services(), appliedZxid, failedZxid,
                text.length() > 2_000 ? text.substring(0, 2_000) + "…" : text, reloads, commands, repairs);
    }

    private void waitQuietly(long millis) {
        try {
            lock.wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** Stops the stream and the sync thread, saves the view, then closes the driver (a managed proxy stops). */
    @Override
    public void close() {
        stop(true);
    }

    /**
     * Stops the stream and the sync thread and saves the view. With {@code stopProxy} the driver is
     * closed (a managed proxy stops); without, the proxy keeps serving its last configuration,
     * for the next agent to adopt: the data plane outlives the control plane.
     */
    public void stop(boolean stopProxy) {
        if (closed && !thread.isAlive()) {
            return;
        }
        closed = true;
        if (subscription != null) {
            subscription.close();
        }
        synchronized (lock) {
            lock.notifyAll();
        }
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            dir.saveView(view.snapshot());
        }
        if (stopProxy) {
            driver.close();
        }
        LOG.info("agent {}: stopped; {} runs zxid {}{}", options.agentId(), driver.proxy(), Zxid.format(appliedZxid),
                stopProxy ? "" : " and keeps serving it (left running for the next agent)");
    }
}
