package io.signalbox.cli;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.HostPort;
import io.signalbox.client.SignalboxClient;
import io.signalbox.client.SignalboxException;
import io.signalbox.proto.client.Member;
import io.signalbox.server.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Real {@code signalbox server} processes on 127.0.0.1 that can be killed, wiped and restarted:
 * for integration tests and the election benchmark. {@link #close()} kills what is left.
 */
final class ProcessCluster implements AutoCloseable {
    final List<NodeConfig.Member> members;
    final Path directory;
    private final Process[] processes;
    private final List<String> extra;

    ProcessCluster(int count, int basePort, Path directory, String... extraArgs) throws IOException {
        this.members = NodeConfig.localMembers(count, basePort);
        this.directory = directory;
        this.processes = new Process[count + 1];
        this.extra = List.of(extraArgs);
        for (int id = 1; id <= count; id++) {
            start(id);
        }
    }

    void start(int id) throws IOException {
        Path nodeDir = directory.resolve("node" + id);
        Files.createDirectories(nodeDir);
        Path conf = ClusterCommand.writeConfig(nodeDir, id, members);
        List<String> args = new ArrayList<>(List.of("server", "--config", conf.toString()));
        args.addAll(extra);
        processes[id] = new ProcessBuilder(Launch.javaCommand(args.toArray(String[]::new))).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(nodeDir.resolve("node.log").toFile())).start();
    }

    void kill9(int id) throws InterruptedException {
        processes[id].destroyForcibly();
        processes[id].waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM; returns the exit code. */
    int terminate(int id) throws InterruptedException {
        processes[id].destroy();
        if (!processes[id].waitFor(20, TimeUnit.SECONDS)) {
            processes[id].destroyForcibly();
            return -1;
        }
        return processes[id].exitValue();
    }

    void wipe(int id) throws IOException {
        try (Stream<Path> walk = Files.walk(directory.resolve("node" + id).resolve("data"))) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    String log(int id) throws IOException {
        return Files.readString(directory.resolve("node" + id).resolve("node.log"));
    }

    String addresses() {
        return members.stream().map(NodeConfig.Member::clientAddress).collect(Collectors.joining(","));
    }

    SignalboxClient client() {
        return new SignalboxClient(ClientOptions.of(addresses()));
    }

    SignalboxClient clientOf(int id) {
        return new SignalboxClient(ClientOptions.of(List.of(HostPort.parse(members.get(id - 1).clientAddress())))
                .withRetryDeadlineMs(2_000).withRequestTimeoutMs(2_000));
    }

    /** The member's own view of itself, or null when it does not answer. */
    Member self(int id) {
        return self(members.get(id - 1), 2_000);
    }

    int leader() {
        return leader(members, 2_000);
    }

    /** What {@code member} says of itself, or null when it does not answer within {@code timeoutMs}. */
    static Member self(NodeConfig.Member member, int timeoutMs) {
        ClientOptions one = ClientOptions.of(List.of(HostPort.parse(member.clientAddress()))).withRetryDeadlineMs(timeoutMs)
                .withRequestTimeoutMs(timeoutMs);
        try (SignalboxClient client = new SignalboxClient(one)) {
            return client.status().getStatus().getMembersList().stream().filter(m -> m.getId() == member.id()).findFirst().orElse(null);
        } catch (SignalboxException e) {
            return null;
        }
    }

    /** The member that says it leads an established epoch, or 0. */
    static int leader(List<NodeConfig.Member> members, int timeoutMs) {
        for (NodeConfig.Member m : members) {
            Member self = self(m, timeoutMs);
            if (self != null && "LEADING".equals(self.getRole()) && self.getEstablished()) {
                return m.id();
            }
        }
        return 0;
    }

    static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within " + limit.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        for (Process process : processes) {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }
}
