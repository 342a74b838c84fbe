package io.signalbox.proxysync.nginx;

import io.signalbox.common.Zxid;
import io.signalbox.proxysync.AgentStateDir;
import io.signalbox.proxysync.ProxyDriver;
import io.signalbox.proxysync.RenderException;
import io.signalbox.state.Configuration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one open source Nginx, in one of two modes ({@link NginxMode}).
 *
 * <p>Reload mode: every change is a reload, so each one is made safe and confirmed. A pass renders
 * the files the agent owns; when they differ from what Nginx runs, they are swapped atomically,
 * the whole tree is checked with {@code nginx -t}, Nginx is reloaded ({@code nginx -s reload}),
 * and the pass waits until the version location serves the new zxid. A refused file or a reload
 * that does not take puts the previous files back (Nginx never stopped serving them) and fails
 * the pass with Nginx's words. The agent's debounce makes a burst of changes one reload.
 *
 * <p>Dynamic mode: the files hold no servers, only Lua-balanced upstreams, so the same reload
 * happens only for new services, ports or timeouts (confirmed by a digest location); servers go
 * to the Lua balancer through {@link DynamicLists}, which reports a pass applied only once every
 * worker runs its zxid. After a reload or a restart every list is pushed again. A push Nginx
 * refuses, or a worker left behind, is retried once after a validated reload.
 */
public final class NginxDriver implements ProxyDriver {
    private static final Logger LOG = LoggerFactory.getLogger(NginxDriver.class);

    /**
     * @param upstreamsFile the http file the agent owns, included by {@code nginxConf}'s http block
     * @param nginxConf the main configuration; in managed mode the agent writes it
     * @param prefix Nginx's prefix ({@code -p}), null for its default
     * @param versionPort where the version location listens, on {@code versionAddress}
     * @param mode dynamic, reload or auto (dynamic when the Lua module is installed)
     * @param pushPort dynamic mode: where the push location listens, on 127.0.0.1
     * @param streamFile the file for TCP services, included inside a {@code stream} block; null: TCP services are not rendered
     */
    public record Settings(Path upstreamsFile, Path nginxConf, Path prefix, Path stateDir, String versionAddress, int versionPort,
                           String bindAddress, String nginxBinary, boolean managed, long reloadTimeoutMs, NginxMode mode, int pushPort,
                           Path streamFile) {
        /** Everything inside the state directory: the managed layout; TCP services when the stream module is installed. */
        public static Settings managedIn(Path stateDir, int versionPort, String bindAddress, NginxMode mode) {
            Path dir = stateDir.toAbsolutePath();
            return new Settings(dir.resolve("upstreams.conf"), dir.resolve("nginx.conf"), dir, dir, "127.0.0.1", versionPort, bindAddress,
                    "nginx", true, 10_000, mode, versionPort + 1, NginxMode.streamModuleInstalled() ? dir.resolve("stream.conf") : null);
        }
    }

    private final Settings settings;
    private final NginxMode mode;
    private final NginxConfigRenderer renderer;
    private final NginxProcess nginx;
    private final NginxFiles files;
    private final DynamicLists lists;
    /** The marker Nginx serves after the last confirmed reload (or found running at start): the zxid, or in dynamic mode a digest. */
    private String loadedMarker = "";
    private String loadedBody = "";

    public NginxDriver(Settings settings) {
        this.settings = settings;
        this.mode = settings.mode().resolve();
        this.files = new NginxFiles(settings);
        String token = mode == NginxMode.DYNAMIC ? NginxFiles.pushToken(settings.stateDir()) : "";
        this.renderer = new NginxConfigRenderer(new NginxConfigRenderer.Settings(settings.versionAddress(), settings.versionPort(),
                settings.bindAddress(), settings.managed(), mode, settings.pushPort(), token,
                settings.upstreamsFile().toAbsolutePath().getParent().toString(), settings.streamFile() != null));
        this.nginx = new NginxProcess(settings.nginxBinary(), settings.prefix(), settings.nginxConf(),
                settings.managed() ? settings.stateDir().resolve("error.log") : null,
                settings.managed() ? settings.stateDir().resolve("nginx.pid") : null);
        this.lists = mode == NginxMode.DYNAMIC
                ? new DynamicLists(settings.versionAddress(), settings.versionPort(), settings.pushPort(), token, 2_000,
                        settings.upstreamsFile().toAbsolutePath().getParent().resolve(LuaPieces.SAVED_LISTS)) : null;
    }

    @Override
    public String proxy() {
        return "nginx";
    }

    /** The mode this driver runs in, AUTO resolved. */
    public NginxMode mode() {
        return mode;
    }

    @Override
    public void start(Configuration current) {
        if (mode == NginxMode.DYNAMIC) {
            files.installLua();
        }
        NginxConfigRenderer.Rendered onDisk = files.read();
        loadedBody = onDisk.body(renderer.markerPath());
        loadedMarker = NginxFiles.markerIn(onDisk.http(), renderer.markerPath());
        LOG.info("Nginx driver in {} mode; TCP services {}", mode.name().toLowerCase(java.util.Locale.ROOT),
                settings.streamFile() == null ? "not rendered (no stream file)" : "in " + settings.streamFile());
        if (!settings.managed()) {
            return; // the first pass checks what Nginx serves, and reloads if it must
        }
        if (onDisk.http().isEmpty()) {
            NginxConfigRenderer.Rendered rendered = renderer.renderAll(current);
            files.write(rendered);
            loadedBody = rendered.body(renderer.markerPath());
            loadedMarker = NginxFiles.markerIn(rendered.http(), renderer.markerPath());
        }
        AgentStateDir.writeAtomically(settings.nginxConf(), files.mainConfig(mode).getBytes(StandardCharsets.UTF_8));
        try {
            Files.createDirectories(settings.stateDir().resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String refusal = nginx.test();
        if (refusal != null) {
            throw new IllegalStateException("nginx -t refused " + settings.nginxConf() + ": " + refusal);
        }
        long errorLogOffset = nginx.errorLogSize();
        nginx.startOrAdopt();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (servedVersion() == null) {
            if (System.nanoTime() > deadline || !nginx.alive()) {
                // The first [emerg] names the cause (a port taken: "bind() to 127.0.0.1:N failed"); the tail only says it gave up.
                String emergency = nginx.emergencySince(errorLogOffset);
                throw new IllegalStateException("Nginx did not start serving: " + (emergency == null ? "" : emergency + " | ")
                        + nginx.errorLogTail());
            }
            sleep(10);
        }
    }

    @Override
    public Pass converge(Configuration wanted, boolean checkProxy) {
        if (settings.managed() && !nginx.alive()) {
            LOG.error("Nginx (master {}) is gone; starting it again. Its error log ends: {}", nginx.masterPid(), nginx.errorLogTail());
            nginx.startOrAdopt();
            checkProxy = true;
            if (lists != null) {
                lists.forget(); // a new master starts with an empty shared dict
            }
        }
        NginxConfigRenderer.Rendered rendered;
        try {
            rendered = renderer.renderAll(wanted);
        } catch (RenderException e) {
            return Pass.failed("refused to render zxid " + Zxid.format(wanted.zxid()) + ": " + e.getMessage(), 0, 0, 0);
        }
        String markerPath = renderer.markerPath();
        String body = rendered.body(markerPath);
        int repairs = 0;
        NginxConfigRenderer.Rendered onDisk = files.read(); // every pass: a hand edit must not be overwritten silently
        boolean fileIsOurs = onDisk.body(markerPath).equals(loadedBody) && NginxFiles.markerIn(onDisk.http(), markerPath).equals(loadedMarker);
        String served = checkProxy ? servedMarker() : loadedMarker;
        boolean servesOurs = loadedMarker.equals(served);
        if (!fileIsOurs || !servesOurs) {
            repairs = 1;
            LOG.warn("drift in Nginx: {}{}; rendering and reloading", fileIsOurs ? "" : settings.upstreamsFile() + " was changed by hand",
                    servesOurs ? "" : (fileIsOurs ? "" : ", and ") + "it serves version " + served + " instead of " + loadedMarker);
            loadedBody = ""; // forces the reload below
        }
        int reloads = 0;
        String reloadFailure = null;
        if (!body.equals(loadedBody)) {
            reloadFailure = swapAndReload(rendered, wanted.zxid());
            if (reloadFailure == null) {
                reloads = 1;
                if (lists != null) {
                    lists.forget(); // the lists are pushed again before the pass counts as applied
                }
            }
        }
        if (lists == null) {
            return reloadFailure == null ? Pass.done(0, reloads, repairs) : Pass.failed(reloadFailure, 0, 0, repairs);
        }
        // Even when a new service could not be loaded, server changes still reach the services Nginx runs.
        Pass pushed = pushLists(wanted, checkProxy || reloads > 0, reloads, repairs);
        if (reloadFailure == null) {
            return pushed;
        }
        return Pass.failed(pushed.complete() ? reloadFailure : reloadFailure + "; " + pushed.failure(), pushed.commands(), pushed.reloads(),
                repairs);
    }

    /** Dynamic mode: the lists; a refusal or a worker left behind gets one validated reload and a second push. */
    private Pass pushLists(Configuration wanted, boolean checkNginx, int reloads, int repairs) {
        DynamicLists.Outcome outcome;
        try {
            outcome = lists.apply(wanted, checkNginx);
        } catch (IllegalArgumentException e) {
            return Pass.failed("refused to push zxid " + Zxid.format(wanted.zxid()) + ": " + e.getMessage(), 0, reloads, repairs);
        }
        if (outcome.ok() || outcome.agentBehind()) {
            return outcome.ok() ? Pass.done(outcome.pushes(), reloads, repairs) : Pass.failed(outcome.failure(), outcome.pushes(), reloads, repairs);
        }
        LOG.warn("{}; reloading Nginx and pushing every list again", outcome.failure());
        String refusal = nginx.test();
        String reloadRefusal = refusal != null ? refusal : nginx.reload();
        if (reloadRefusal != null) {
            return Pass.failed(outcome.failure() + "; and the fallback reload failed: " + reloadRefusal, outcome.pushes(), reloads, repairs);
        }
        DynamicLists.Outcome again = lists.apply(wanted, true);
        int pushes = outcome.pushes() + again.pushes();
        return again.ok() ? Pass.done(pushes, reloads + 1, repairs)
                : Pass.failed(outcome.failure() + "; after a reload: " + again.failure(), pushes, reloads + 1, repairs);
    }

    /** Null when Nginx serves {@code rendered}; else why not, with the previous files back in place. */
    private String swapAndReload(NginxConfigRenderer.Rendered rendered, long zxid) {
        long started = System.nanoTime();
        NginxConfigRenderer.Rendered previous = files.read();
        files.write(rendered);
        String marker = NginxFiles.markerIn(rendered.http(), renderer.markerPath());
        String refusal = nginx.test();
        String failure = null;
        if (refusal != null) {
            failure = "nginx -t refused the configuration for zxid " + Zxid.format(zxid) + ": " + refusal;
        } else {
            long errorLogOffset = nginx.errorLogSize();
            String reloadRefusal = nginx.reload();
            if (reloadRefusal != null) {
                failure = "nginx -s reload failed for zxid " + Zxid.format(zxid) + ": " + reloadRefusal;
            } else {
                String notServed = awaitServed(marker, errorLogOffset);
                if (notServed != null) {
                    failure = "Nginx's reload to zxid " + Zxid.format(zxid) + " did not take; it keeps serving the previous configuration: "
                            + notServed;
                }
            }
        }
        if (failure != null) {
            files.write(previous); // the files match what Nginx runs again
            LOG.warn("{} ({} ms)", failure, (System.nanoTime() - started) / 1_000_000);
            return failure;
        }
        loadedBody = rendered.body(renderer.markerPath());
        loadedMarker = marker;
        LOG.info("Nginx reloaded into zxid {} (serves {}) in {} ms", Zxid.format(zxid), marker, (System.nanoTime() - started) / 1_000_000);
        return null;
    }

    /**
     * Null once Nginx serves {@code marker} on the marker location; else why not: the master's
     * {@code [emerg]} line (a reload that failed, say on a port in use) or the timeout.
     */
    private String awaitServed(String marker, long errorLogOffset) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.reloadTimeoutMs());
        while (System.nanoTime() < deadline) {
            if (marker.equals(servedMarker())) {
                return null;
            }
            String emergency = nginx.emergencySince(errorLogOffset);
            if (emergency != null) {
                return emergency;
            }
            sleep(5);
        }
        return "the location " + renderer.markerPath() + " did not serve " + marker + " within " + settings.reloadTimeoutMs() + " ms"
                + (settings.managed() ? "; error log: " + nginx.errorLogTail()
                : " (is " + settings.upstreamsFile() + " included in the http block of " + settings.nginxConf() + "?)");
    }

    /**
     * The first line the version location answers: the zxid Nginx runs ({@code epoch:counter}; in
     * dynamic mode the one every worker runs, or {@code none}), or null when nothing answers there.
     */
    public String servedVersion() {
        return firstLineAt(NginxConfigRenderer.VERSION_PATH);
    }

    /** What the marker location answers: which rendered files Nginx runs. */
    private String servedMarker() {
        return firstLineAt(renderer.markerPath());
    }

    private String firstLineAt(String path) {
        LoopbackHttp.Reply reply = LoopbackHttp.get(settings.versionAddress(), settings.versionPort(), path, 2_000);
        return reply.ok() ? DynamicLists.firstLine(reply.body()) : null;
    }

    @Override
    public long deferredWorkDelayMs() {
        return -1;
    }

    /** Worker processes and their resident memory, for the benchmark (managed mode). */
    public long[] workersAndRssKib() {
        return nginx.workersAndRssKib();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops a managed Nginx (QUIT: workers finish their requests). */
    @Override
    public void close() {
        if (settings.managed()) {
            nginx.stop();
        }
    }
}
