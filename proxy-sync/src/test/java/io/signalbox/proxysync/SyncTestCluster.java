package io.signalbox.proxysync;

import io.signalbox.client.SignalboxClient;
import io.signalbox.testkit.HttpBackends;
import io.signalbox.testkit.ProcessCluster;
import java.nio.file.Path;

/** What every end-to-end sync test class starts once: a 3-node cluster of real processes, a client of it, HTTP backends. */
final class SyncTestCluster implements AutoCloseable {
    final ProcessCluster cluster;
    final SignalboxClient client;
    final HttpBackends backends = new HttpBackends();

    private SyncTestCluster(ProcessCluster cluster) {
        this.cluster = cluster;
        this.client = cluster.client();
    }

    /** Node i on basePort+i, +100+i, +200+i, under {@code directory}/cluster; returns once there is a leader. */
    static SyncTestCluster start(Path directory, int basePort) throws Exception {
        ProcessCluster cluster = new ProcessCluster(3, basePort, directory.resolve("cluster"));
        try {
            cluster.awaitLeader(SyncTestSupport.LIMIT);
        } catch (RuntimeException | InterruptedException e) {
            cluster.close();
            throw e;
        }
        return new SyncTestCluster(cluster);
    }

    @Override
    public void close() {
        backends.close();
        client.close();
        cluster.close();
    }
}
