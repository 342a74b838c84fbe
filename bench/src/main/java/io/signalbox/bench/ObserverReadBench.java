package io.signalbox.bench;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.MemberChangeRequest;
import io.signalbox.server.NodeConfig;
import io.signalbox.testkit.Launch;
import io.signalbox.testkit.ProcessCluster;
import io.signalbox.testkit.Processes;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * {@code bench observers}: LOCAL reads spread over every member of 3 voters and 0, 2 or 4
 * observers (real processes on 127.0.0.1, each observer added with {@code member add
 * --observer} and started as {@code server --join} would start it), while a steady writer
 * commits; per row the reads per second, their p99, and the writer's commits per second. On a
 * machine with fewer cores than processes the read figure measures the sharing of those cores,
 * not the observers' capacity; the writer's rate says whether observers slow commits.
 */
public final class ObserverReadBench {
    public static final int BASE_PORT = 19_800;
    private static final int FIRST_OBSERVER_ID = 11;

    private ObserverReadBench() {}

    public static void run(PrintWriter out, List<Integer> observerCounts, int outstanding, double seconds) throws Exception {
        for (int count : observerCounts) {
            SettingChecks.inRange("--observers", count, 0, 8);
        }
        SettingChecks.inRange("--outstanding", outstanding, 1, 4_096);
        out.println("observers: " + Machine.describe());
        out.printf("%-10s %12s %10s %10s %14s%n", "observers", "reads/s", "p50 ms", "p99 ms", "commits/s");
        out.flush();
        for (int count : observerCounts) {
            measure(count, outstanding, seconds, out);
            out.flush();
        }
    }

    private static void measure(int observers, int outstanding, double seconds, PrintWriter out) throws Exception {
        Path directory = Files.createTempDirectory("signalbox-observers-");
        List<Process> started = new ArrayList<>();
        try (ProcessCluster cluster = new ProcessCluster(3, BASE_PORT, directory);
             SignalboxClient client = cluster.client()) {
            ProcessCluster.await("a leader", Duration.ofSeconds(60), () -> cluster.leader() != 0);
            ScaleBench.load(client, 10, 10);
            List<NodeConfig.Member> members = new ArrayList<>(cluster.members);
            List<Integer> observerIds = new ArrayList<>();
            for (int i = 0; i < observers; i++) {
                int id = FIRST_OBSERVER_ID + i;
                NodeConfig.Member observer = new NodeConfig.Member(id, "127.0.0.1", BASE_PORT + id, BASE_PORT + 100 + id,
                        BASE_PORT + 200 + id);
                client.changeMembers(MemberChangeRequest.addObserver(id, observer.peerAddress(), observer.clientAddress(),
                        observer.adminAddress()));
                members.add(observer);
                observerIds.add(id);
                Path nodeDir = Files.createDirectories(directory.resolve("node" + id));
                Path conf = NodeConfig.writeFile(nodeDir, id, members, Map.of("observers",
                        observerIds.stream().map(String::valueOf).collect(Collectors.joining(","))));
                started.add(new ProcessBuilder(Launch.server(Launch.DEFAULT_HEAP, List.of(), conf, List.of()))
                        .redirectErrorStream(true).redirectOutput(nodeDir.resolve("node.log").toFile()).start());
            }
            long target = client.read(Consistency.LINEARIZABLE, "svc-0").zxid();
            for (NodeConfig.Member member : members) {
                ProcessCluster.await("member " + member.id() + " serves", Duration.ofSeconds(120), () -> {
                    Member self = ProcessCluster.self(member, 1_000);
                    return self != null && self.established() && self.appliedZxid() >= target;
                });
            }
            List<SignalboxClient> readers = new ArrayList<>();
            try {
                for (NodeConfig.Member member : members) {
                    readers.add(new SignalboxClient(ClientOptions.of(member.clientAddress())));
                }
                AtomicLong commits = new AtomicLong();
                Thread writer = MembershipBench.steadyWriter(client, commits);
                writer.start();
                long commitsBefore = commits.get();
                long startNanos = System.nanoTime();
                LoadRun.Row row = LoadRun.run("signalbox", "read LOCAL, " + observers + " observers", outstanding, 3, seconds,
                        i -> readers.get(i % readers.size()).readAsync(Consistency.LOCAL, "svc-" + (i % 10), 0));
                double commitsPerSecond = (commits.get() - commitsBefore) / ((System.nanoTime() - startNanos) / 1e9);
                writer.interrupt();
                writer.join(10_000);
                out.printf("%-10d %12.0f %10.2f %10.2f %14.0f%n", observers, row.opsPerSecond(), row.p50Ms(), row.p99Ms(),
                        commitsPerSecond);
            } finally {
                readers.forEach(SignalboxClient::close);
            }
        } finally {
            for (Process process : started) {
                Processes.terminate(process, 20);
            }
            Processes.deleteRecursively(directory);
        }
    }
}
