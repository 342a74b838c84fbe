package io.signalbox.bench;

import io.signalbox.proxysync.AgentStateDir;
import io.signalbox.proxysync.ProxyDriver;
import io.signalbox.proxysync.haproxy.HaproxyConfigRenderer;
import io.signalbox.proxysync.haproxy.HaproxyMaster;
import io.signalbox.state.Configuration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The baseline the HAProxy benchmark compares with: what consul-template-style tools do on
 * every change (render the whole file, check it with {@code haproxy -c}, write it, reload,
 * wait for the new worker). Benchmark code only, never used to run a proxy.
 */
final class ReloadPerChangeDriver implements ProxyDriver {
    private final Path dir;
    private final HaproxyConfigRenderer renderer;
    private final HaproxyMaster master;
    private Process haproxy;

    ReloadPerChangeDriver(Path dir) {
        this.dir = dir;
        this.renderer = new HaproxyConfigRenderer(new HaproxyConfigRenderer.Settings(dir.resolve("admin.sock").toString(),
                dir.resolve("server-state").toString(), "127.0.0.1"));
        this.master = new HaproxyMaster(dir.resolve("master.sock"));
    }

    @Override
    public String proxy() {
        return "haproxy";
    }

    @Override
    public void start(Configuration current) {
        try {
            write(current);
            haproxy = new ProcessBuilder("haproxy", "-W", "-S", dir.resolve("master.sock").toString(), "-f",
                    dir.resolve("haproxy.cfg").toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("haproxy.log").toFile())).start();
            master.awaitReady(10_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Pass converge(Configuration wanted, boolean checkProxy) {
        try {
            write(wanted);
            HaproxyMaster.Reload reload = master.reload(30_000);
            return reload.succeeded() ? Pass.done(0, 1, 0) : Pass.failed("reload failed", 0, 1, 0);
        } catch (IOException | RuntimeException e) {
            return Pass.failed(e.toString(), 0, 0, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Pass.failed("interrupted", 0, 0, 0);
        }
    }

    private void write(Configuration wanted) throws IOException, InterruptedException {
        Path candidate = dir.resolve("haproxy.cfg.candidate");
        AgentStateDir.writeAtomically(candidate, renderer.render(wanted).getBytes(StandardCharsets.UTF_8));
        Process check = new ProcessBuilder(List.of("haproxy", "-c", "-q", "-f", candidate.toString())).redirectErrorStream(true).start();
        byte[] output = check.getInputStream().readAllBytes();
        if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
            throw new IOException("haproxy -c refused: " + new String(output, StandardCharsets.UTF_8));
        }
        Files.move(candidate, dir.resolve("haproxy.cfg"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public long deferredWorkDelayMs() {
        return -1;
    }

    @Override
    public void close() {
        if (haproxy != null) {
            haproxy.destroy();
            try {
                haproxy.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            haproxy.destroyForcibly();
        }
    }
}
