package io.signalbox.register;

import io.signalbox.testkit.Launch;
import io.signalbox.testkit.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A plain main as its own JVM, with {@code --set key=value} arguments and its output in a log
 * file: a sidecar ({@link RegisterMain}, what {@code signalbox register} and the systemd unit
 * run) or a managed sync agent ({@code SyncAgentMain}). {@link #close()} stops it.
 */
final class ProcessUnderTest implements AutoCloseable {
    /** The heap the systemd unit gives a sidecar (packaging/systemd/signalbox-register@.service): the tests run it with no more. */
    static final String SIDECAR_HEAP = "64m";

    private final String mainClass;
    private final String heap;
    private final List<String> args = new ArrayList<>();
    final Path log;
    private Process process;

    ProcessUnderTest(String mainClass, String heap, Map<String, String> settings, Path log) {
        this.mainClass = mainClass;
        this.heap = heap;
        this.log = log;
        settings.forEach((key, value) -> {
            args.add("--set");
            args.add(key + "=" + value);
        });
    }

    /** A sidecar from a configuration file, as the systemd unit runs it. */
    static ProcessUnderTest sidecar(Path config, Path log) {
        ProcessUnderTest sidecar = new ProcessUnderTest(RegisterMain.class.getName(), SIDECAR_HEAP, Map.of(), log);
        sidecar.args.add("--config");
        sidecar.args.add(config.toString());
        return sidecar;
    }

    ProcessUnderTest start() throws IOException {
        Files.createDirectories(log.getParent());
        List<String> command = Launch.java(heap);
        if (heap.equals(SIDECAR_HEAP)) {
            command.add(1, "-XX:+UseSerialGC"); // as the unit runs it
        }
        command.add(mainClass);
        command.addAll(args);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return this;
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM; returns the exit code, -1 when it had not exited after {@code limitSeconds} (then it is killed). */
    int terminate(int limitSeconds) throws InterruptedException {
        return Processes.terminate(process, limitSeconds);
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() {
        if (alive()) {
            try {
                terminate(30);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
