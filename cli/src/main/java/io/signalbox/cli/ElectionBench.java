package io.signalbox.cli;

import io.signalbox.bench.ZooKeeperEnsemble;
import io.signalbox.bench.ZooKeeperWorkload;
import io.signalbox.client.ClientOptions;
import io.signalbox.client.HostPort;
import io.signalbox.client.SignalboxClient;
import io.signalbox.proto.client.Member;
import io.signalbox.state.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Failover time, the same way for both systems: kill -9 the leader, then time until a
 * write commits through the surviving nodes (retried as fast as they refuse); restart the
 * killed node and let it rejoin before the next kill.
 */
final class ElectionBench {
    private ElectionBench() {}

    static long[] signalbox(int nodes, int kills, Path directory) throws Exception {
        long[] millis = new long[kills];
        try (ProcessCluster cluster = new ProcessCluster(nodes, 19_000, directory)) {
            ProcessCluster.await("a leader", Duration.ofSeconds(60), () -> cluster.leader() != 0);
            try (SignalboxClient setup = cluster.client()) {
                setup.submit(new Command.PutService("web", "http", 8080, "roundrobin", null, 1000, 1000, 1000, null));
                setup.submit(new Command.RegisterServer("web", "a", "10.0.0.1", 80, 1, "ready", false, Map.of(), 0, null));
            }
            for (int k = 0; k < kills; k++) {
                int leader = cluster.leader();
                List<HostPort> survivors = new ArrayList<>();
                for (var m : cluster.members) {
                    if (m.id() != leader) {
                        survivors.add(HostPort.parse(m.clientAddress()));
                    }
                }
                try (SignalboxClient client = new SignalboxClient(ClientOptions.of(survivors).withRequestTimeoutMs(500)
                        .withRetryDeadlineMs(60_000))) {
                    long start = System.nanoTime();
                    cluster.kill9(leader);
                    client.submit(new Command.SetWeight("web", "a", 1 + k % 200, null));
                    millis[k] = (System.nanoTime() - start) / 1_000_000;
                }
                cluster.start(leader);
                ProcessCluster.await("node " + leader + " rejoins", Duration.ofSeconds(60), () -> {
                    Member self = cluster.self(leader);
                    return self != null && "FOLLOWING".equals(self.getRole()) && self.getEstablished();
                });
            }
        }
        return millis;
    }

    static long[] zookeeper(int nodes, int kills, Path directory, List<String> javaPrefix) throws Exception {
        long[] millis = new long[kills];
        try (ZooKeeperEnsemble ensemble = new ZooKeeperEnsemble(nodes, 19_500, directory, javaPrefix)) {
            ensemble.awaitQuorum(60_000);
            try (ZooKeeper setup = ZooKeeperWorkload.connect(ensemble.connectString(1))) {
                setup.create("/failover", new byte[1], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            for (int k = 0; k < kills; k++) {
                int leader = ensemble.leader();
                List<String> survivors = new ArrayList<>();
                for (int id = 1; id <= nodes; id++) {
                    if (id != leader) {
                        survivors.add(ensemble.connectString(id));
                    }
                }
                try (ZooKeeper client = ZooKeeperWorkload.connect(String.join(",", survivors))) {
                    long start = System.nanoTime();
                    ensemble.kill(leader);
                    long deadline = start + TimeUnit.SECONDS.toNanos(60);
                    while (true) {
                        try {
                            client.setData("/failover", new byte[] {(byte) k}, -1);
                            break;
                        } catch (KeeperException.ConnectionLossException e) {
                            if (System.nanoTime() > deadline) {
                                throw new IllegalStateException("no ZooKeeper write within 60 s of killing leader " + leader);
                            }
                            Thread.sleep(1);
                        }
                    }
                    millis[k] = (System.nanoTime() - start) / 1_000_000;
                }
                ensemble.start(leader);
                ensemble.awaitQuorum(60_000);
            }
        }
        return millis;
    }

    static String summary(long[] millis) {
        long[] sorted = millis.clone();
        Arrays.sort(sorted);
        return String.format("kills=%d p50_ms=%d p99_ms=%d min_ms=%d max_ms=%d", sorted.length, sorted[(sorted.length - 1) / 2],
                sorted[Math.min(sorted.length - 1, (int) Math.ceil(0.99 * sorted.length) - 1)], sorted[0], sorted[sorted.length - 1]);
    }
}
