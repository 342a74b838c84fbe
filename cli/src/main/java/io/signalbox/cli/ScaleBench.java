package io.signalbox.cli;

import io.signalbox.client.SignalboxClient;
import io.signalbox.proto.client.Consistency;
import io.signalbox.proto.client.Member;
import io.signalbox.proto.client.Response;
import io.signalbox.state.Command;
import java.io.PrintWriter;
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
final class ScaleBench {
    private ScaleBench() {}

    static void snapCatchUp(PrintWriter out, Path directory, int services, int serversPerService) throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(3, 19_300, directory, "--set", "snapshotEveryEntries=1000")) {
            ProcessCluster.await("a leader", Duration.ofSeconds(60), () -> cluster.leader() != 0);
            long target;
            long loadStart = System.nanoTime();
            try (SignalboxClient client = cluster.client()) {
                Semaphore outstanding = new Semaphore(64);
                List<CompletableFuture<Response>> all = new ArrayList<>();
                for (int s = 0; s < services; s++) {
                    List<Command> commands = new ArrayList<>();
                    commands.add(new Command.PutService("svc-" + s, "http", 10_000 + s, "roundrobin", null, 1000, 1000, 1000, null));
                    for (int i = 0; i < serversPerService; i++) {
                        commands.add(new Command.RegisterServer("svc-" + s, "srv-" + i, "10." + (s / 250) + "." + (s % 250) + "." + (i + 1),
                                8080, 1, "ready", false, Map.of(), 0, null));
                    }
                    outstanding.acquire();
                    CompletableFuture<Response> done = client.submitAsync(new Command.Multi(commands));
                    done.whenComplete((r, f) -> outstanding.release());
                    all.add(done);
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
                target = client.read(Consistency.LINEARIZABLE, "svc-0").getZxid();
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
                return self != null && self.getAppliedZxid() >= target;
            });
            long millis = (System.nanoTime() - start) / 1_000_000;
            String installed = cluster.log(follower).lines().filter(l -> l.contains("installed a snapshot")).reduce((a, b) -> b).orElse("?");
            out.printf("snap: servers=%d wiped_follower_caught_up_ms=%d (process start included)%n  %s%n", services * serversPerService,
                    millis, installed.substring(Math.max(0, installed.indexOf("node "))));
            out.flush();
        }
    }

    static void restartWithLongLog(PrintWriter out, Path directory, int entries) throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(3, 19_400, directory, "--set", "snapshotEveryEntries=10000000")) {
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
                target = client.read(Consistency.LINEARIZABLE, "web").getZxid();
            }
            out.printf("restart: wrote %d entries in %d ms%n", entries, (System.nanoTime() - loadStart) / 1_000_000);
            int follower = cluster.leader() == 1 ? 2 : 1;
            cluster.kill9(follower);
            long start = System.nanoTime();
            cluster.start(follower);
            ProcessCluster.await("the restarted follower serves", Duration.ofSeconds(600), () -> {
                Member self = cluster.self(follower);
                return self != null && self.getEstablished() && self.getAppliedZxid() >= target;
            });
            long millis = (System.nanoTime() - start) / 1_000_000;
            String recovered = cluster.log(follower).lines().filter(l -> l.contains("recovered:")).reduce((a, b) -> b).orElse("?");
            out.printf("restart: log_entries=%d restart_to_serving_ms=%d (JVM start included)%n  %s%n", entries, millis,
                    recovered.substring(Math.max(0, recovered.indexOf("node "))));
            out.flush();
        }
    }
}
