package io.signalbox.bench;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.HostPort;
import io.signalbox.protocol.Member;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
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
public final class ElectionBench {
    public static final int SIGNALBOX_BASE_PORT = 19_000;
    public static final int ZOOKEEPER_BASE_PORT = 19_500;

    /**
     * What {@code bench elections} runs.
     *
     * @param kills leader kills per system
     * @param systems zookeeper and/or signalbox; ZooKeeper runs first
     * @param zooKeeperBasePort ZooKeeper server i listens on base+i, base+100+i and base+200+i
     * @param signalboxBasePort the same for the Signalbox nodes
     */
    public record Settings(int nodes, int kills, List<String> systems, int zooKeeperBasePort, int signalboxBasePort) {
        public Settings {
            if (nodes != 3 && nodes != 5) {
                throw new IllegalArgumentException("--nodes must be 3 or 5, got " + nodes);
            }
            SettingChecks.inRange("--kills", kills, 1, 1_000);
            systems = SettingChecks.systems(systems);
            SettingChecks.basePort("ZooKeeper's base port", zooKeeperBasePort);
            SettingChecks.basePort("Signalbox's base port", signalboxBasePort);
        }

        /** Today's ports: Signalbox from 19,000, ZooKeeper from 19,500. */
        public Settings(int nodes, int kills, List<String> systems) {
            this(nodes, kills, systems, ZOOKEEPER_BASE_PORT, SIGNALBOX_BASE_PORT);
        }
    }

    private ElectionBench() {}

    /**
     * {@code bench elections}: a line per system with the kills and the failover times (p50,
     * p99, min, max ms); returns each system's times in the order they ran.
     */
    public static Map<String, long[]> run(PrintWriter out, Settings settings) throws Exception {
        out.println("elections: nodes=" + settings.nodes() + " kills=" + settings.kills() + " " + Machine.describe()
                + "; time from kill -9 of the leader to the first write committed through the survivors");
        out.flush();
        Map<String, long[]> millis = new LinkedHashMap<>();
        for (String system : settings.systems()) {
            Path dir = Files.createTempDirectory("signalbox-elections-" + (system.equals("zookeeper") ? "zk-" : "sb-"));
            try {
                millis.put(system, system.equals("zookeeper")
                        ? zookeeper(settings.nodes(), settings.kills(), settings.zooKeeperBasePort(), dir, Launch.java(Launch.DEFAULT_HEAP))
                        : signalbox(settings.nodes(), settings.kills(), settings.signalboxBasePort(), dir));
            } finally {
                Processes.deleteRecursively(dir);
            }
            out.println(system + " " + summary(millis.get(system)));
            out.flush();
        }
        return millis;
    }

    static long[] signalbox(int nodes, int kills, int basePort, Path directory) throws Exception {
        long[] millis = new long[kills];
        try (ProcessCluster cluster = new ProcessCluster(nodes, basePort, directory)) {
            ProcessCluster.await("a leader", Duration.ofSeconds(60), () -> cluster.leader() != 0);
            try (SignalboxClient setup = cluster.client()) {
                setup.submit(new Command.PutService("web", "http", 8080, "roundrobin", null, 1000, 1000, 1000, null));
                setup.submit(new Command.RegisterServer("web", "a", "10.0.0.1", 80, 1, "ready", false, Map.of(), 0, null));
            }
            for (int k = 0; k < kills; k++) {
                int leader = cluster.leader();
                List<HostPort> survivors = new ArrayList<>();
                for (NodeConfig.Member m : cluster.members) {
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
                    return self != null && "FOLLOWING".equals(self.role()) && self.established();
                });
            }
        }
        return millis;
    }

    static long[] zookeeper(int nodes, int kills, int basePort, Path directory, List<String> javaPrefix) throws Exception {
        long[] millis = new long[kills];
        try (ZooKeeperEnsemble ensemble = new ZooKeeperEnsemble(nodes, basePort, directory, javaPrefix)) {
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
