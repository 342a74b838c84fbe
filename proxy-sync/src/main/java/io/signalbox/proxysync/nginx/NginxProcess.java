package io.signalbox.proxysync.nginx;

import io.signalbox.proxysync.PidFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code nginx} command line for one configuration: test, reload, and, in managed mode,
 * start (in the foreground, so the agent owns it), adopt after an agent restart (pid file),
 * and stop ({@code QUIT}, which lets workers finish, bounded by {@code worker_shutdown_timeout}).
 */
final class NginxProcess {
    private static final Logger LOG = LoggerFactory.getLogger(NginxProcess.class);

    private final String binary;
    private final Path prefix;
    private final Path config;
    private final Path errorLog;
    private final Path pidFile;
    private ProcessHandle master;

    NginxProcess(String binary, Path prefix, Path config, Path errorLog, Path pidFile) {
        this.binary = binary;
        this.prefix = prefix;
        this.config = config;
        this.errorLog = errorLog;
        this.pidFile = pidFile;
    }

    /** {@code nginx -t}: null when the whole tree is valid, else Nginx's message. */
    String test() {
        Result result = run("-t");
        return result.exit == 0 ? null : result.output;
    }

    /** {@code nginx -s reload}: parses the configuration first and signals the master only if it is valid. */
    String reload() {
        Result result = run("-s", "reload");
        return result.exit == 0 ? null : result.output;
    }

    /** Adopts the master named by the pid file when it is alive, else starts one in the foreground. */
    void startOrAdopt() {
        Optional<ProcessHandle> running = PidFiles.running(pidFile, "nginx");
        if (running.isPresent()) {
            master = running.get();
            LOG.info("adopted the Nginx master {} left running, config {}", master.pid(), config);
            return;
        }
        try {
            Process process = new ProcessBuilder(command("-g", "daemon off;")).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(errorLog.toFile())).start();
            master = process.toHandle();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary + ": " + e.getMessage(), e);
        }
        LOG.info("started Nginx, master pid {}, config {}", master.pid(), config);
    }

    boolean alive() {
        return master != null && master.isAlive();
    }

    /** The master's worker processes (old ones still finishing requests included) and their resident memory in KiB. */
    long[] workersAndRssKib() {
        if (master == null) {
            return new long[] {0, 0};
        }
        long[] result = {0, 0};
        master.children().forEach(child -> {
            result[0]++;
            result[1] += rssKib(child.pid());
        });
        return result;
    }

    long masterPid() {
        return master == null ? 0 : master.pid();
    }

    /** QUIT: graceful; the workers finish within worker_shutdown_timeout. */
    void stop() {
        if (master == null || !master.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-QUIT", String.valueOf(master.pid())).start().waitFor(5, TimeUnit.SECONDS);
            master.onExit().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            master.destroyForcibly();
        }
        LOG.info("stopped Nginx (master {})", master.pid());
    }

    /** The error log's size now, to look for what a reload writes after it. */
    long errorLogSize() {
        try {
            return errorLog != null && Files.exists(errorLog) ? Files.size(errorLog) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The first {@code [emerg]} line written to the error log after {@code offset}, or null. */
    String emergencySince(long offset) {
        if (errorLog == null || errorLogSize() <= offset) {
            return null;
        }
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(errorLog.toFile(), "r")) {
            file.seek(offset);
            byte[] tail = new byte[(int) Math.min(64 * 1024, file.length() - offset)];
            file.readFully(tail);
            for (String line : new String(tail, StandardCharsets.UTF_8).split("\n")) {
                if (line.contains("[emerg]")) {
                    return line.strip();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    String errorLogTail() {
        try {
            if (!Files.exists(errorLog)) {
                return "(no error log)";
            }
            List<String> lines = Files.readAllLines(errorLog, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())).strip();
        } catch (IOException e) {
            return "(cannot read " + errorLog + ")";
        }
    }

    private record Result(int exit, String output) {}

    private Result run(String... args) {
        try {
            Process process = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readNBytes(64 * 1024);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "nginx " + String.join(" ", args) + " did not finish within 30 s");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip().replace('\n', ' '));
        } catch (IOException e) {
            return new Result(-1, "cannot run " + binary + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(binary));
        if (prefix != null) {
            command.addAll(List.of("-p", prefix.toString()));
        }
        command.addAll(List.of("-c", config.toString()));
        if (errorLog != null) {
            command.addAll(List.of("-e", errorLog.toString()));
        }
        command.addAll(List.of(args));
        return command;
    }


    private static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process just exited
        }
        return 0;
    }
}
