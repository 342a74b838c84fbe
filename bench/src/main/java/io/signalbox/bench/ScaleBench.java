package io.signalbox.bench;

import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.Member;
import io.signalbox.state.Command;
import io.signalbox.testkit.ProcessCluster;
import io.signalbox.testkit.Processes;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Scale: how long a follower whose data was wiped takes to catch up by SNAP on a
 * configuration of 100,000 servers, and how long a node with 1,000,000 entries in its log
 * takes to restart and serve again. Real server processes on 127.0.0.1.
 */
public final class ScaleBench {
    public static final int SNAP_BASE_PORT = 19_300;
    public static final int RESTART_BASE_PORT = 19_600; // clear of the first cluster's 19,300..19,503, which may still be closing

    /**
     * What {@code bench scale} loads.
     *
     * @param services services x serversPerService servers for the SNAP catch-up
     * @param logEntries entries in the log of the restarted follower
     * @param snapBasePort node i of the first cluster listens on base+i, base+100+i and base+200+i
     * @param restartBasePort the same for the second cluster
     */
    public record Settings(int services, int serversPerService, int logEntries, int snapBasePort, int restartBasePort) {
        public Settings {
            SettingChecks.inRange("--services", services, 1, 10_000);
            SettingChecks.inRange("--servers-per-service", serversPerService, 1, 99);
            SettingChecks.inRange("--log-entries", logEntries, 1, 5_000_000);
            SettingChecks.basePort("the SNAP cluster's base port", snapBasePort);
            SettingChecks.basePort("the restart cluster's base port", restartBasePort);
        }

        /** Today's ports: 19,300 and 19,400. */
        public Settings(int services, int serversPerService, int logEntries) {
            this(services, serversPerService, logEntries, SNAP_BASE_PORT, RESTART_BASE_PORT);
        }
    }

    private ScaleBench() {}

    /**
     * {@code bench scale}: the load time and the wiped follower's catch-up time (with the line
     * its log wrote on installing the snapshot), then the same for a restart with a long log.
     */
    public static void run(PrintWriter out, Settings settings) throws Exception {
        out.println("scale: " + Machine.describe());
        out.flush();
        Path snap = Files.createTempDirectory("signalbox-scale-snap-");
        try {
            snapCatchUp(out, snap, settings.snapBasePort(), settings.services(), settings.serversPerService());
        } finally {
            Processes.deleteRecursively(snap);
        }
        Path restart = Files.createTempDirectory("signalbox-scale-restart-");
        try {
            restartWithLongLog(out, restart, settings.restartBasePort(), settings.logEntries());
        } finally {
            Processes.deleteRecursively(restart);
        }
    }

    private static void snapCatchUp(PrintWriter out, Path directory, int basePort, int services, int serversPerService) throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(3, basePort, directory, "--set", "snapshotEveryEntries=1000")) {
            ProcessCluster.await("a leader", Duration.ofSeconds(60), () -> cluster.leader() != 0);
            long target;
            long loadStart = System.nanoTime();
            try (SignalboxClient client = cluster.client()) {
                target = load(client, services, serversPerService);
            }
            out.printf("snap: loaded %d services x %d servers in %d ms%n", services, serversPerService,
                    (System.nanoTime() - loadStart) / 1_000_000);
            int follower = cluster.leader() == 1 ? 2 : 1;
            cluster.kill9(follower);
            cluster.wipe(follower);
            long start = System.nanoTime();
            cluster.start(follower);
            ProcessCluster.await("the wiped follower catches up", Duration.ofSeconds(300), () -> {
                Member self = cluster.self(follower);
                return self != null && self.appliedZxid() >= target;
            });
            long millis = (System.nanoTime() - start) / 1_000_000;
            String installed = cluster.log(follower).lines().filter(l -> l.contains("installed a snapshot")).reduce((a, b) -> b).orElse("?");
            out.printf("snap: servers=%d wiped_follower_caught_up_ms=%d (process start included)%n  %s%n", services * serversPerService,
                    millis, installed.substring(Math.max(0, installed.indexOf("node "))));
            out.flush();
        }
    }

    /** Loads {@code services} services of {@code serversPerService} servers, 64 multis outstanding; returns the zxid after. */
    static long load(SignalboxClient client, int services, int serversPerService) throws InterruptedException {
        Semaphore outstanding = new Semaphore(64);
        List<CompletableFuture<CommandResult>> all = new ArrayList<>();
        for (int s = 0; s < services; s++) {
            List<Command> commands = new ArrayList<>();
            commands.add(new Command.PutService("svc-" + s, "http", 10_000 + s, "roundrobin", null, 1000, 1000, 1000, null));
            for (int i = 0; i < serversPerService; i++) {
                commands.add(new Command.RegisterServer("svc-" + s, "srv-" + i, "10." + (s / 250) + "." + (s % 250) + "." + (i + 1),
                        8080, 1, "ready", false, Map.of(), 0, null));
            }
            outstanding.acquire();
            CompletableFuture<CommandResult> done = client.submitAsync(new Command.Multi(commands));
            done.whenComplete((r, f) -> outstanding.release());
            all.add(done);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return client.read(Consistency.LINEARIZABLE, "svc-0").zxid();
    }

    private static void restartWithLongLog(PrintWriter out, Path directory, int basePort, int entries) throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(3, basePort, directory, "--set", "snapshotEveryEntries=10000000")) {
            ProcessCluster.await("a leader", Duration.ofSeconds(60), () -> cluster.leader() != 0);
            long target;
            long loadStart = System.nanoTime();
            try (SignalboxClient client = cluster.client()) {
                client.submit(new Command.PutService("web", "http", 8080, "roundrobin", null, 1000, 1000, 1000, null));
                for (int i = 0; i < 100; i++) {
                    client.submit(new Command.RegisterServer("web", "s" + i, "10.0.0." + (i + 1), 80, 1, "ready", false, Map.of(), 0, null));
                }
                Semaphore outstanding = new Semaphore(256);
                for (int i = 0; i < entries; i++) {
                    outstanding.acquire();
                    client.submitAsync(new Command.SetWeight("web", "s" + (i % 100), 1 + i % 200, null))
                            .whenComplete((r, f) -> outstanding.release());
                }
                outstanding.acquire(256);
                target = client.read(Consistency.LINEARIZABLE, "web").zxid();
            }
            out.printf("restart: wrote %d entries in %d ms%n", entries, (System.nanoTime() - loadStart) / 1_000_000);
            int follower = cluster.leader() == 1 ? 2 : 1;
            cluster.kill9(follower);
            long start = System.nanoTime();
            cluster.start(follower);
            ProcessCluster.await("the restarted follower serves", Duration.ofSeconds(600), () -> {
                Member self = cluster.self(follower);
                return self != null && self.established() && self.appliedZxid() >= target;
            });
            long millis = (System.nanoTime() - start) / 1_000_000;
            String recovered = cluster.log(follower).lines().filter(l -> l.contains("recovered:")).reduce((a, b) -> b).orElse("?");
            out.printf("restart: log_entries=%d restart_to_serving_ms=%d (JVM start included)%n  %s%n", entries, millis,
                    recovered.substring(Math.max(0, recovered.indexOf("node "))));
            out.flush();
        }
    }
}
