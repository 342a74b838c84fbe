package io.signalbox.proxysync;

import io.signalbox.proxysync.haproxy.HaproxyRuntime;
import io.signalbox.testkit.Launch;
import io.signalbox.testkit.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A managed sync agent as its own process ({@link SyncAgentMain}, what {@code signalbox sync
 * haproxy|nginx --manage} runs), and the proxy it runs; {@link #close()} stops both. Extra
 * settings are given as the command's flags ({@code --agent-id X}) and passed as their keys.
 */
final class SyncAgentProcess implements AutoCloseable {
    final Path stateDir;
    private final List<String> args;
    private Process process;
    /** How many agents had started in this state directory before this one: the log is appended to. */
    private long startsBefore;

    /** A HAProxy agent with fast drift checks and reports, and a short drain grace period. */
    static SyncAgentProcess haproxy(Path stateDir, String connect, String... extra) {
        return new SyncAgentProcess(stateDir, "haproxy", connect, with(extra, "--drain-grace-ms", "300"));
    }

    /** An Nginx agent with fast drift checks and reports. */
    static SyncAgentProcess nginx(Path stateDir, String connect, String... extra) {
        return new SyncAgentProcess(stateDir, "nginx", connect, extra);
    }

    private SyncAgentProcess(Path stateDir, String proxy, String connect, String... extraFlags) {
        this.stateDir = stateDir;
        this.args = new ArrayList<>();
        set("proxy", proxy);
        set("manage", "true");
        set("stateDir", stateDir.toString());
        set("connect", connect);
        set("driftCheckMs", "1000");
        set("reportEveryMs", "300");
        for (int i = 0; i + 1 < extraFlags.length; i += 2) {
            set(key(extraFlags[i]), extraFlags[i + 1]);
        }
    }

    private void set(String key, String value) {
        args.add("--set");
        args.add(key + "=" + value);
    }

    /** {@code --drain-grace-ms} -> {@code drainGraceMs}. */
    private static String key(String flag) {
        StringBuilder key = new StringBuilder();
        boolean upper = false;
        for (char c : flag.substring(2).toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                key.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return key.toString();
    }

    private static String[] with(String[] extra, String... more) {
        List<String> all = new ArrayList<>(List.of(extra));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    SyncAgentProcess start() throws IOException {
        Files.createDirectories(stateDir);
        Path logFile = stateDir.resolve("agent.log");
        startsBefore = Files.exists(logFile) ? Files.readString(logFile).lines().filter(l -> l.contains("sync starting from zxid")).count() : 0;
        List<String> command = Launch.java(Launch.DEFAULT_HEAP);
        command.add(SyncAgentMain.class.getName());
        command.addAll(args);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stateDir.resolve("agent.log").toFile())).start();
        return this;
    }

    /** Waits until this agent has started its proxy (or adopted it) and subscribed: its own report follows. */
    SyncAgentProcess awaitStarted() throws InterruptedException {
        io.signalbox.testkit.ProcessCluster.await("agent in " + stateDir + " started", SyncTestSupport.LIMIT, () -> {
            try {
                return log().lines().filter(l -> l.contains("sync starting from zxid")).count() >= startsBefore + 1;
            } catch (IOException e) {
                return false;
            }
        });
        return this;
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM; the agent stops its HAProxy and exits 0. */
    int terminate() throws InterruptedException {
        return Processes.terminate(process, 30);
    }

    /** Waits (30 s at most) for the agent to exit by itself; its exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the agent in " + stateDir + " still runs after 30 s");
        }
        return process.exitValue();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    String log() throws IOException {
        return Files.readString(stateDir.resolve("agent.log"));
    }

    HaproxyRuntime runtime() {
        return new HaproxyRuntime(stateDir.resolve("admin.sock"));
    }

    /** HAProxy's servers of one backend as "name address:port weight STATE", sorted; empty when it does not answer. */
    List<String> servers(String service) {
        List<String> lines = new ArrayList<>();
        try {
            for (HaproxyRuntime.ServerStatus s : runtime().serversState()) {
                if (service.equals(s.service())) {
                    lines.add(s.server() + " " + s.address() + ":" + s.port() + " " + s.userWeight() + " "
                            + (s.maintenance() ? "MAINT" : s.draining() ? "DRAIN" : "READY"));
                }
            }
        } catch (RuntimeException e) {
            return List.of();
        }
        lines.sort(null);
        return lines;
    }

    @Override
    public void close() throws IOException {
        if (alive()) {
            try {
                terminate();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String proxy : new String[] {"haproxy", "nginx"}) {
            io.signalbox.proxysync.PidFiles.running(stateDir.resolve(proxy + ".pid"), proxy).ifPresent(ProcessHandle::destroy);
        }
    }
}
