package io.signalbox.proxysync.haproxy;

import io.signalbox.proxysync.PidFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A HAProxy the agent runs itself ({@code --manage}): master-worker mode with a master
 * socket, its output appended to a log file in the state directory. A HAProxy left running
 * by an earlier agent (killed before it could stop it) is adopted through its pid file
 * rather than started twice, so an agent restart costs no restart of the proxy.
 */
final class HaproxyProcess {
    private static final Logger LOG = LoggerFactory.getLogger(HaproxyProcess.class);

    private final String binary;
    private final Path config;
    private final Path masterSocket;
    private final Path pidFile;
    private final Path logFile;
    private ProcessHandle master;

    HaproxyProcess(String binary, Path config, Path masterSocket, Path pidFile, Path logFile) {
        this.binary = binary;
        this.config = config;
        this.masterSocket = masterSocket;
        this.pidFile = pidFile;
        this.logFile = logFile;
    }

    /** Adopts a running master from the pid file when its socket answers; else starts one. */
    void startOrAdopt() throws InterruptedException {
        Optional<ProcessHandle> running = PidFiles.running(pidFile, "haproxy");
        if (running.isPresent()) {
            try {
                new HaproxyMaster(masterSocket).showProc();
                master = running.get();
                LOG.info("adopted the HAProxy master {} left running, config {}", master.pid(), config);
                return;
            } catch (IllegalStateException e) {
                LOG.warn("HAProxy {} from {} does not answer on {}; starting a new one", running.get().pid(), pidFile, masterSocket);
            }
        }
        start();
    }

    private void start() throws InterruptedException {
        try {
            Files.deleteIfExists(masterSocket);
            Process process = new ProcessBuilder(List.of(binary, "-W", "-S", masterSocket.toString(), "-f", config.toString(),
                    "-p", pidFile.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            master = process.toHandle();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary + ": " + e.getMessage(), e);
        }
        try {
            new HaproxyMaster(masterSocket).awaitReady(10_000);
        } catch (IllegalStateException e) {
            stop();
            throw new IllegalStateException("HAProxy did not start from " + config + ": " + logTail(), e);
        }
        LOG.info("started HAProxy, master pid {}, config {}", master.pid(), config);
    }

    boolean alive() {
        return master != null && master.isAlive();
    }

    /** Starts it again after it died; returns what the log said about why. */
    String restart() throws InterruptedException {
        String why = logTail();
        LOG.error("HAProxy (master {}) is gone; starting it again. Its log ends: {}", master == null ? "?" : master.pid(), why);
        start();
        return why;
    }

    /** SIGTERM to the master (it stops its workers), waiting at most 10 s. */
    void stop() {
        if (master == null || !master.isAlive()) {
            return;
        }
        master.destroy();
        try {
            master.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            master.destroyForcibly();
        }
        LOG.info("stopped HAProxy (master {})", master.pid());
    }

    /** The last lines HAProxy wrote, for failure reports. */
    String logTail() {
        try {
            if (!Files.exists(logFile)) {
                return "(no log)";
            }
            List<String> lines = Files.readAllLines(logFile);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())).strip();
        } catch (IOException e) {
            return "(cannot read " + logFile + ")";
        }
    }
}
