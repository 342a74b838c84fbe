package io.signalbox.proxysync.haproxy;

import io.signalbox.common.Zxid;
import io.signalbox.proxysync.AgentStateDir;
import io.signalbox.proxysync.ProxyDriver;
import io.signalbox.proxysync.RenderException;
import io.signalbox.state.Configuration;
import io.signalbox.state.Server;
import io.signalbox.state.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one HAProxy 2.6+ in master-worker mode. Server changes go through the Runtime API,
 * one interactive connection per pass ({@link ServerPass}); anything HAProxy cannot change
 * at runtime (services, their ports, modes, balance, timeouts, health checks: the
 * "structure") is rendered into a complete {@code haproxy.cfg} with every server, validated
 * with {@code haproxy -c}, written atomically after dumping {@code show servers state}, and
 * reloaded through the master socket, confirmed by {@code show proc}. A failed validation or
 * reload leaves the old file and the old workers running, and the pass reports why.
 */
public final class HaproxyDriver implements ProxyDriver {
    private static final Logger LOG = LoggerFactory.getLogger(HaproxyDriver.class);
    static final String STRUCTURE_FILE = "haproxy.structure";
    /** A structure that failed is not tried again for this long, unless it changes. */
    static final long FAILED_STRUCTURE_RETRY_MS = 5_000;

    /**
     * Where things are. In managed mode the agent starts HAProxy itself with {@code configFile}
     * and {@code masterSocket}; otherwise HAProxy must already run from them.
     */
    public record Settings(Path configFile, Path adminSocket, Path masterSocket, Path stateDir, String bindAddress,
                           String haproxyBinary, boolean managed, long drainGraceMs, long reloadTimeoutMs,
                           ClusterFrontConfig.Settings clusterFront) {
        /** Without HAProxy in front of the cluster. */
        public Settings(Path configFile, Path adminSocket, Path masterSocket, Path stateDir, String bindAddress, String haproxyBinary,
                        boolean managed, long drainGraceMs, long reloadTimeoutMs) {
            this(configFile, adminSocket, masterSocket, stateDir, bindAddress, haproxyBinary, managed, drainGraceMs, reloadTimeoutMs, null);
        }

        public Settings {
            if (drainGraceMs < 0 || drainGraceMs > 3_600_000) {
                throw new IllegalArgumentException("drain grace " + drainGraceMs + " ms must be within 0..3600000");
            }
            if (reloadTimeoutMs < 100 || reloadTimeoutMs > 600_000) {
                throw new IllegalArgumentException("reload timeout " + reloadTimeoutMs + " ms must be within 100..600000");
            }
        }

        /** Everything inside one directory: the managed layout. */
        public static Settings managedIn(Path stateDir, String bindAddress) {
            Path dir = stateDir.toAbsolutePath();
            return new Settings(dir.resolve("haproxy.cfg"), dir.resolve("admin.sock"), dir.resolve("master.sock"), dir, bindAddress,
                    "haproxy", true, 2_000, 30_000);
        }

        public Settings withDrainGraceMs(long ms) {
            return new Settings(configFile, adminSocket, masterSocket, stateDir, bindAddress, haproxyBinary, managed, ms, reloadTimeoutMs,
                    clusterFront);
        }

        /** With HAProxy also in front of the Signalbox cluster (rendered into the same file). */
        public Settings withClusterFront(ClusterFrontConfig.Settings front) {
            return new Settings(configFile, adminSocket, masterSocket, stateDir, bindAddress, haproxyBinary, managed, drainGraceMs,
                    reloadTimeoutMs, front);
        }
    }

    private final Settings settings;
    private final HaproxyConfigRenderer renderer;
    private final HaproxyMaster master;
    private final HaproxyProcess process;
    private final ServerPass servers;
    private String runningStructure;
    private String failedStructure = "";
    private String failedReason;
    private long failedStructureAtNanos;

    /** What this driver was made with: its files, its proxy, and the cluster front it renders. */
    public Settings settings() {
        return settings;
    }

    public HaproxyDriver(Settings settings) {
        this.settings = settings;
        this.renderer = new HaproxyConfigRenderer(new HaproxyConfigRenderer.Settings(settings.adminSocket().toString(),
                settings.stateDir().resolve("server-state").toString(), settings.bindAddress(), settings.clusterFront()));
        this.master = new HaproxyMaster(settings.masterSocket());
        this.process = settings.managed() ? new HaproxyProcess(settings.haproxyBinary(), settings.configFile(),
                settings.masterSocket(), settings.stateDir().resolve("haproxy.pid"), settings.stateDir().resolve("haproxy.log")) : null;
        this.servers = new ServerPass(settings.adminSocket(), settings.drainGraceMs());
        this.runningStructure = readStructure();
    }

    @Override
    public String proxy() {
        return "haproxy";
    }

    @Override
    public void start(Configuration current) {
        try {
            if (process != null) {
                if (!Files.exists(settings.configFile())) {
                    String failure = writeValidated(current);
                    if (failure != null) {
                        throw new IllegalStateException(failure);
                    }
                    saveStructure(structureOf(current));
                }
                process.startOrAdopt();
            } else {
                master.awaitReady(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting HAProxy", e);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("HAProxy's master socket " + settings.masterSocket() + " does not answer: " + e.getMessage(), e);
        }
    }

    @Override
    public Pass converge(Configuration wanted, boolean checkProxy) {
        if (restartIfDead() != null) {
            checkProxy = true;
        }
        String structure = structureOf(wanted);
        boolean structural = !structure.equals(runningStructure) || checkProxy && !servers.backendsMatch(wanted);
        boolean recentlyFailed = structural && structure.equals(failedStructure) && !checkProxy
                && System.nanoTime() - failedStructureAtNanos < FAILED_STRUCTURE_RETRY_MS * 1_000_000;
        if (!structural || recentlyFailed) {
            ServerPass.Result result = servers.run(wanted, checkProxy, false);
            String failure = recentlyFailed ? join(failedReason, result.failure()) : result.failure();
            return failure == null ? Pass.done(result.commands(), 0, result.repairs())
                    : Pass.failed(failure, result.commands(), 0, result.repairs());
        }
        // Servers of backends that stay change first, so the state dumped before the reload
        // already has them; then the reload; then a look at what the new workers run.
        ServerPass.Result before = servers.run(wanted, checkProxy, true);
        String reloadFailure = reload(wanted);
        if (reloadFailure == null) {
            saveStructure(structure);
            servers.reloaded();
            failedStructure = "";
        } else {
            failedStructure = structure;
            failedReason = reloadFailure;
            failedStructureAtNanos = System.nanoTime();
        }
        ServerPass.Result after = servers.run(wanted, true, reloadFailure != null);
        int commands = before.commands() + after.commands();
        int repairs = before.repairs() + after.repairs();
        String failure = join(reloadFailure, after.failure());
        return failure == null ? Pass.done(commands, reloadFailure == null ? 1 : 0, repairs)
                : Pass.failed(failure, commands, reloadFailure == null ? 1 : 0, repairs);
    }

    private static String join(String first, String second) {
        return first == null ? second : second == null ? first : first + "; " + second;
    }

    @Override
    public long deferredWorkDelayMs() {
        return servers.deferredWorkDelayMs();
    }

    /** Renders, validates, dumps the server states, swaps the file and reloads; null on success, else why not. */
    private String reload(Configuration wanted) {
        long started = System.nanoTime();
        byte[] previous;
        try {
            previous = Files.exists(settings.configFile()) ? Files.readAllBytes(settings.configFile()) : null;
        } catch (IOException e) {
            return "cannot read " + settings.configFile() + ": " + e.getMessage();
        }
        try {
            AgentStateDir.writeAtomically(settings.stateDir().resolve("server-state"),
                    (new HaproxyRuntime(settings.adminSocket()).send("show servers state") + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            LOG.warn("could not dump show servers state before a reload ({}); the rendered file carries every server", e.getMessage());
        }
        String failure = writeValidated(wanted);
        if (failure != null) {
            return failure;
        }
        try {
            HaproxyMaster.Reload reload = master.reload(settings.reloadTimeoutMs());
            if (reload.succeeded()) {
                LOG.info("HAProxy reloaded into zxid {} in {} ms: workers {}", Zxid.format(wanted.zxid()), reload.millis(), reload.after().workerPids());
                return null;
            }
            failure = "HAProxy's reload to zxid " + Zxid.format(wanted.zxid()) + " failed; it keeps running the previous configuration"
                    + (process != null ? ". Its log ends: " + process.logTail() : "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted during a reload";
        } catch (IllegalStateException e) {
            failure = "HAProxy's reload to zxid " + Zxid.format(wanted.zxid()) + " was not confirmed: " + e.getMessage();
        }
        if (previous != null) {
            AgentStateDir.writeAtomically(settings.configFile(), previous); // the file matches what runs again
        }
        LOG.warn("{} ({} ms)", failure, (System.nanoTime() - started) / 1_000_000);
        return failure;
    }

    /** Renders into a candidate file, checks it with {@code haproxy -c}, then moves it into place; null on success. */
    private String writeValidated(Configuration wanted) {
        String text;
        try {
            text = renderer.render(wanted);
        } catch (RenderException e) {
            return "refused to render zxid " + Zxid.format(wanted.zxid()) + ": " + e.getMessage();
        }
        Path candidate = settings.configFile().resolveSibling(settings.configFile().getFileName() + ".candidate");
        AgentStateDir.writeAtomically(candidate, text.getBytes(StandardCharsets.UTF_8));
        String refusal = validate(candidate);
        if (refusal != null) {
            return "haproxy -c refused the configuration for zxid " + Zxid.format(wanted.zxid()) + ": " + refusal;
        }
        AgentStateDir.writeAtomically(settings.configFile(), text.getBytes(StandardCharsets.UTF_8));
        try {
            Files.deleteIfExists(candidate);
        } catch (IOException e) {
            // left for the next render to overwrite
        }
        return null;
    }

    private String validate(Path candidate) {
        try {
            Process check = new ProcessBuilder(settings.haproxyBinary(), "-c", "-q", "-f", candidate.toString())
                    .redirectErrorStream(true).start();
            byte[] output = check.getInputStream().readNBytes(64 * 1024);
            if (!check.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                check.destroyForcibly();
                return "haproxy -c did not finish within 30 s";
            }
            return check.exitValue() == 0 ? null : new String(output, StandardCharsets.UTF_8).strip().replace('\n', ' ');
        } catch (IOException e) {
            return "cannot run " + settings.haproxyBinary() + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Null when HAProxy is running (or not ours to run); else restarts it and says why it was needed. */
    private String restartIfDead() {
        if (process == null || process.alive()) {
            return null;
        }
        try {
            return process.restart();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (RuntimeException e) {
            return "HAProxy died and could not be started again: " + e.getMessage();
        }
    }

    /**
     * Everything that needs a reload to change: the render settings and each service's settings
     * (not its version), plus the server names of {@code balance source} backends, whose servers
     * HAProxy cannot add at runtime.
     */
    String structureOf(Configuration configuration) {
        StringBuilder text = new StringBuilder(settings.adminSocket() + "|" + settings.bindAddress() + "\n");
        if (settings.clusterFront() != null) {
            text.append(settings.clusterFront()).append('\n'); // absent before: agents without a front keep their structure
        }
        for (Service service : configuration.services()) {
            text.append(service.withVersion(0)).append('\n');
            if (service.balance() == io.signalbox.state.Balance.SOURCE) {
                for (Server server : configuration.servers().getOrDefault(service.name(), List.of())) {
                    text.append("  ").append(server.name()).append('\n');
                }
            }
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JVM has SHA-256", e);
        }
    }

    private String readStructure() {
        Path file = settings.stateDir().resolve(STRUCTURE_FILE);
        try {
            return Files.exists(file) ? Files.readString(file).strip() : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void saveStructure(String structure) {
        runningStructure = structure;
        AgentStateDir.writeAtomically(settings.stateDir().resolve(STRUCTURE_FILE), (structure + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() {
        if (process != null) {
            process.stop();
        }
    }
}
