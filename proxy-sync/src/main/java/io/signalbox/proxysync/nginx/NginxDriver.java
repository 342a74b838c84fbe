package io.signalbox.proxysync.nginx;

import io.signalbox.common.Zxid;
import io.signalbox.proxysync.AgentStateDir;
import io.signalbox.proxysync.ProxyDriver;
import io.signalbox.proxysync.RenderException;
import io.signalbox.state.Configuration;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one open source Nginx, which has no API to change upstreams at runtime: every change
 * is a reload, so each one is made safe and confirmed. A pass renders the file the agent owns;
 * when it differs from what Nginx runs, the file is swapped atomically, the whole tree is
 * checked with {@code nginx -t}, Nginx is reloaded ({@code nginx -s reload}), and the pass
 * waits until the version location serves the new zxid. A refused file or a reload that does
 * not take puts the previous file back (Nginx never stopped serving it) and fails the pass with
 * Nginx's words. The agent's debounce makes a burst of changes one reload.
 */
public final class NginxDriver implements ProxyDriver {
    private static final Logger LOG = LoggerFactory.getLogger(NginxDriver.class);

    /**
     * @param upstreamsFile the file the agent owns, included by {@code nginxConf}'s http block
     * @param nginxConf the main configuration; in managed mode the agent writes it
     * @param prefix Nginx's prefix ({@code -p}), null for its default
     * @param versionPort where the version location listens, on {@code versionAddress}
     */
    public record Settings(Path upstreamsFile, Path nginxConf, Path prefix, Path stateDir, String versionAddress, int versionPort,
                           String bindAddress, String nginxBinary, boolean managed, long reloadTimeoutMs) {
        /** Everything inside the state directory: the managed layout. */
        public static Settings managedIn(Path stateDir, int versionPort, String bindAddress) {
            Path dir = stateDir.toAbsolutePath();
            return new Settings(dir.resolve("upstreams.conf"), dir.resolve("nginx.conf"), dir, dir, "127.0.0.1", versionPort, bindAddress,
                    "nginx", true, 10_000);
        }
    }

    private final Settings settings;
    private final NginxConfigRenderer renderer;
    private final NginxProcess nginx;
    /** The version text Nginx serves after the last confirmed reload (or found running at start). */
    private String loadedVersion = "";
    private String loadedBody = "";

    public NginxDriver(Settings settings) {
        this.settings = settings;
        this.renderer = new NginxConfigRenderer(new NginxConfigRenderer.Settings(settings.versionAddress(), settings.versionPort(),
                settings.bindAddress(), settings.managed()));
        this.nginx = new NginxProcess(settings.nginxBinary(), settings.prefix(), settings.nginxConf(),
                settings.managed() ? settings.stateDir().resolve("error.log") : null,
                settings.managed() ? settings.stateDir().resolve("nginx.pid") : null);
    }

    @Override
    public String proxy() {
        return "nginx";
    }

    @Override
    public void start(Configuration current) {
        String onDisk = readFile();
        loadedBody = withoutVersion(onDisk);
        loadedVersion = versionIn(onDisk);
        if (!settings.managed()) {
            return; // the first pass checks what Nginx serves, and reloads if it must
        }
        if (onDisk.isEmpty()) {
            String text = renderer.render(current);
            AgentStateDir.writeAtomically(settings.upstreamsFile(), text.getBytes(StandardCharsets.UTF_8));
            loadedBody = withoutVersion(text);
            loadedVersion = versionIn(text);
        }
        AgentStateDir.writeAtomically(settings.nginxConf(), mainConfig().getBytes(StandardCharsets.UTF_8));
        try {
            Files.createDirectories(settings.stateDir().resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String refusal = nginx.test();
        if (refusal != null) {
            throw new IllegalStateException("nginx -t refused " + settings.nginxConf() + ": " + refusal);
        }
        nginx.startOrAdopt();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (servedVersion() == null) {
            if (System.nanoTime() > deadline || !nginx.alive()) {
                throw new IllegalStateException("Nginx did not start serving: " + nginx.errorLogTail());
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
        }
        String text;
        try {
            text = renderer.render(wanted);
        } catch (RenderException e) {
            return Pass.failed("refused to render zxid " + Zxid.format(wanted.zxid()) + ": " + e.getMessage(), 0, 0, 0);
        }
        String body = withoutVersion(text);
        int repairs = 0;
        String onDisk = readFile(); // every pass: a hand edit must not be overwritten silently
        boolean fileIsOurs = withoutVersion(onDisk).equals(loadedBody) && versionIn(onDisk).equals(loadedVersion);
        String served = checkProxy ? servedVersion() : loadedVersion;
        boolean servesOurs = loadedVersion.equals(served);
        if (!fileIsOurs || !servesOurs) {
            repairs = 1;
            LOG.warn("drift in Nginx: {}{}; rendering and reloading", fileIsOurs ? "" : settings.upstreamsFile() + " was changed by hand",
                    servesOurs ? "" : (fileIsOurs ? "" : ", and ") + "it serves version " + served + " instead of " + loadedVersion);
            loadedBody = ""; // forces the reload below
        }
        if (body.equals(loadedBody)) {
            return Pass.done(0, 0, repairs); // nothing Nginx runs would change: no reload
        }
        String failure = swapAndReload(text, wanted.zxid());
        return failure == null ? Pass.done(0, 1, repairs) : Pass.failed(failure, 0, 0, repairs);
    }

    /** Null when Nginx serves {@code text}; else why not, with the previous file back in place. */
    private String swapAndReload(String text, long zxid) {
        long started = System.nanoTime();
        byte[] previous = readFile().getBytes(StandardCharsets.UTF_8);
        AgentStateDir.writeAtomically(settings.upstreamsFile(), text.getBytes(StandardCharsets.UTF_8));
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
                String notServed = awaitServed(NginxConfigRenderer.versionText(zxid), errorLogOffset);
                if (notServed != null) {
                    failure = "Nginx's reload to zxid " + Zxid.format(zxid) + " did not take; it keeps serving the previous configuration: "
                            + notServed;
                }
            }
        }
        if (failure != null) {
            AgentStateDir.writeAtomically(settings.upstreamsFile(), previous); // the file matches what Nginx runs again
            LOG.warn("{} ({} ms)", failure, (System.nanoTime() - started) / 1_000_000);
            return failure;
        }
        loadedBody = withoutVersion(text);
        loadedVersion = NginxConfigRenderer.versionText(zxid);
        LOG.info("Nginx reloaded into zxid {} in {} ms", loadedVersion, (System.nanoTime() - started) / 1_000_000);
        return null;
    }

    /**
     * Null once the version location serves {@code version}; else why not: the master's
     * {@code [emerg]} line (a reload that failed, say on a port in use) or the timeout.
     */
    private String awaitServed(String version, long errorLogOffset) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.reloadTimeoutMs());
        while (System.nanoTime() < deadline) {
            if (version.equals(servedVersion())) {
                return null;
            }
            String emergency = nginx.emergencySince(errorLogOffset);
            if (emergency != null) {
                return emergency;
            }
            sleep(5);
        }
        return "the version location did not serve " + version + " within " + settings.reloadTimeoutMs() + " ms"
                + (settings.managed() ? "; error log: " + nginx.errorLogTail()
                : " (is " + settings.upstreamsFile() + " included in the http block of " + settings.nginxConf() + "?)");
    }

    /** What the version location answers ({@code epoch:counter}), or null when nothing answers there. */
    public String servedVersion() {
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL("http", settings.versionAddress().indexOf(':') >= 0
                    ? "[" + settings.versionAddress() + "]" : settings.versionAddress(), settings.versionPort(),
                    NginxConfigRenderer.VERSION_PATH).openConnection();
            connection.setRequestProperty("Connection", "close");
            connection.setConnectTimeout(1_000);
            connection.setReadTimeout(2_000);
            if (connection.getResponseCode() != 200) {
                return null;
            }
            try (InputStream in = connection.getInputStream()) {
                return new String(in.readNBytes(64), StandardCharsets.US_ASCII).strip();
            }
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public long deferredWorkDelayMs() {
        return -1;
    }

    /** Worker processes and their resident memory, for the benchmark (managed mode). */
    public long[] workersAndRssKib() {
        return nginx.workersAndRssKib();
    }

    private String mainConfig() {
        Path dir = settings.stateDir();
        return "# Rendered by Signalbox for a managed Nginx.\n"
                + "worker_processes 2;\n"
                + "pid " + dir.resolve("nginx.pid") + ";\n"
                + "error_log " + dir.resolve("error.log") + " notice;\n"
                + "worker_shutdown_timeout 10s;\n"
                + "events { worker_connections 1024; }\n"
                + "http {\n"
                + "    access_log off;\n"
                + "    client_body_temp_path " + dir.resolve("tmp/body") + ";\n"
                + "    proxy_temp_path " + dir.resolve("tmp/proxy") + ";\n"
                + "    fastcgi_temp_path " + dir.resolve("tmp/fastcgi") + ";\n"
                + "    uwsgi_temp_path " + dir.resolve("tmp/uwsgi") + ";\n"
                + "    scgi_temp_path " + dir.resolve("tmp/scgi") + ";\n"
                + "    include " + settings.upstreamsFile() + ";\n"
                + "}\n";
    }

    private String readFile() {
        try {
            return Files.exists(settings.upstreamsFile()) ? Files.readString(settings.upstreamsFile()) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + settings.upstreamsFile() + ": " + e.getMessage(), e);
        }
    }

    /** The rendered text without its version line: what decides whether Nginx must reload. */
    static String withoutVersion(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (!line.contains(NginxConfigRenderer.VERSION_PATH)) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    /** The version a rendered text serves, or "" when it has none. */
    static String versionIn(String text) {
        for (String line : text.split("\n")) {
            int at = line.indexOf("return 200 \"");
            if (line.contains(NginxConfigRenderer.VERSION_PATH) && at >= 0) {
                int end = line.indexOf("\\n\"", at);
                return end < 0 ? "" : line.substring(at + 12, end);
            }
        }
        return "";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (settings.managed()) {
            nginx.stop();
        }
    }
}
