package io.signalbox.bench;

import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.MemberChangeRequest;
import io.signalbox.server.NodeConfig;
import io.signalbox.state.Command;
import io.signalbox.testkit.Launch;
import io.signalbox.testkit.ProcessCluster;
import io.signalbox.testkit.Processes;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench membership}: on a 3-node cluster of real processes holding {@code services x
 * serversPerService} servers, the time from {@code member add} to the new node serving (its
 * entry committed, the process started with the member list {@code server --join} would write,
 * synced and established), and the commits per second a steady writer gets before, during and
 * after the change.
 */
public final class MembershipBench {
    public static final int BASE_PORT = 19_700;
    private static final int WRITER_OUTSTANDING = 64;

    private MembershipBench() {}

    public static void run(PrintWriter out, int services, int serversPerService) throws Exception {
        SettingChecks.inRange("--services", services, 1, 10_000);
        SettingChecks.inRange("--servers-per-service", serversPerService, 1, 99);
        out.println("membership: " + Machine.describe());
        out.flush();
        Path directory = Files.createTempDirectory("signalbox-membership-");
        Process joined = null;
        try (ProcessCluster cluster = new ProcessCluster(3, BASE_PORT, directory, "--set", "snapshotEveryEntries=1000");
             SignalboxClient client = cluster.client()) {
            ProcessCluster.await("a leader", Duration.ofSeconds(60), () -> cluster.leader() != 0);
            long loadStart = System.nanoTime();
            ScaleBench.load(client, services, serversPerService);
            out.printf("membership: loaded %d servers in %d ms%n", services * serversPerService,
                    (System.nanoTime() - loadStart) / 1_000_000);
            out.flush();

            AtomicLong commits = new AtomicLong();
            Thread writer = steadyWriter(client, commits);
            writer.start();
            double before = rate(commits, 5_000);

            NodeConfig.Member four = new NodeConfig.Member(4, "127.0.0.1", BASE_PORT + 4, BASE_PORT + 104, BASE_PORT + 204);
            long changeStart = System.nanoTime();
            long countAtStart = commits.get();
            client.changeMembers(MemberChangeRequest.add(4, four.peerAddress(), four.clientAddress(), four.adminAddress()));
            long committedMs = (System.nanoTime() - changeStart) / 1_000_000;
            List<NodeConfig.Member> members = new ArrayList<>(cluster.members);
            members.add(four);
            Path nodeDir = Files.createDirectories(directory.resolve("node4"));
            Path conf = NodeConfig.writeFile(nodeDir, 4, members);
            joined = new ProcessBuilder(Launch.server(Launch.DEFAULT_HEAP, List.of(), conf, List.of("--set", "snapshotEveryEntries=1000")))
                    .redirectErrorStream(true).redirectOutput(nodeDir.resolve("node.log").toFile()).start();
            long target = client.read(Consistency.LINEARIZABLE, "svc-0").zxid();
            ProcessCluster.await("node 4 serves", Duration.ofSeconds(300), () -> {
                Member self = ProcessCluster.self(four, 1_000);
                return self != null && self.established() && self.appliedZxid() >= target;
            });
            long servingMs = (System.nanoTime() - changeStart) / 1_000_000;
            double during = (commits.get() - countAtStart) * 1_000.0 / Math.max(1, servingMs);
            double after = rate(commits, 5_000);
            writer.interrupt();
            writer.join(10_000);
            out.printf("membership: servers=%d add_committed_ms=%d new_node_serving_ms=%d (process start included) "
                    + "commits_per_s before=%.0f during=%.0f after=%.0f (one client, %d writes outstanding)%n",
                    services * serversPerService, committedMs, servingMs, before, during, after, WRITER_OUTSTANDING);
            String synced = Files.readString(nodeDir.resolve("node.log")).lines().filter(l -> l.contains("installed a snapshot")
                    || l.contains("synced to")).reduce((a, b) -> b).orElse("?");
            out.println("  " + synced.substring(Math.max(0, synced.indexOf("node "))));
            out.flush();
        } finally {
            if (joined != null) {
                Processes.terminate(joined, 20);
            }
            Processes.deleteRecursively(directory);
        }
    }

    /** Weight changes with {@value #WRITER_OUTSTANDING} outstanding, counting the committed ones, until interrupted. */
    static Thread steadyWriter(SignalboxClient client, AtomicLong commits) {
        Thread writer = new Thread(() -> {
            Semaphore outstanding = new Semaphore(WRITER_OUTSTANDING);
            try {
                for (long i = 0; !Thread.currentThread().isInterrupted(); i++) {
                    outstanding.acquire();
                    client.submitAsync(new Command.SetWeight("svc-0", "srv-0", 1 + (int) (i % 200), null)).whenComplete((r, f) -> {
                        if (f == null) {
                            commits.incrementAndGet();
                        }
                        outstanding.release();
                    });
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "membership-bench-writer");
        writer.setDaemon(true);
        return writer;
    }

    private static double rate(AtomicLong commits, long millis) throws InterruptedException {
        long from = commits.get();
        TimeUnit.MILLISECONDS.sleep(millis);
        return (commits.get() - from) * 1_000.0 / millis;
    }
}
