package io.signalbox.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * ZooKeeper's side of the comparison through its own asynchronous Java API: one session per
 * server, requests dealt round-robin; {@code setData} on 1,000 znodes of {@code valueBytes}
 * (durable writes) and {@code getData} (ZooKeeper's reads are local reads, like LOCAL).
 */
public final class ZooKeeperWorkload implements AutoCloseable {
    public static final int ZNODES = 1_000;
    private final List<ZooKeeper> sessions = new ArrayList<>();
    private final byte[] value;

    public ZooKeeperWorkload(ZooKeeperEnsemble ensemble, int servers, int valueBytes) throws Exception {
        this.value = new byte[valueBytes];
        Arrays.fill(value, (byte) 'z');
        for (int id = 1; id <= servers; id++) {
            sessions.add(connect(ensemble.connectString(id), ensemble.clientConfig()));
        }
    }

    /** A ZooKeeper session to {@code connectString}, once connected (at most 30 s). */
    public static ZooKeeper connect(String connectString) throws Exception {
        return connect(connectString, null);
    }

    /** The same with {@code config} (TLS), or ZooKeeper's defaults when it is null. */
    static ZooKeeper connect(String connectString, org.apache.zookeeper.client.ZKClientConfig config) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        org.apache.zookeeper.Watcher watcher = event -> {
            if (event.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        };
        ZooKeeper zk = config == null ? new ZooKeeper(connectString, 30_000, watcher) : new ZooKeeper(connectString, 30_000, watcher, config);
        if (!connected.await(30, TimeUnit.SECONDS)) {
            zk.close();
            throw new IllegalStateException("no ZooKeeper session to " + connectString + " within 30 s");
        }
        return zk;
    }

    /** Creates /bench and its 1,000 znodes. */
    public void prepare() throws Exception {
        ZooKeeper zk = sessions.get(0);
        try {
            zk.create("/bench", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException e) {
            // a previous run's
        }
        List<CompletableFuture<Void>> created = new ArrayList<>();
        for (int i = 0; i < ZNODES; i++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            zk.create("/bench/k" + i, value, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (rc, path, ctx, name) -> {
                if (rc == KeeperException.Code.OK.intValue() || rc == KeeperException.Code.NODEEXISTS.intValue()) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
                }
            }, null);
            created.add(done);
        }
        CompletableFuture.allOf(created.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    public CompletableFuture<Void> write(int i) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        sessions.get(i % sessions.size()).setData("/bench/k" + (i % ZNODES), value, -1, (rc, path, ctx, stat) -> complete(done, rc, path), null);
        return done;
    }

    public CompletableFuture<Void> read(int i) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        sessions.get(i % sessions.size()).getData("/bench/k" + (i % ZNODES), false, (rc, path, ctx, data, stat) -> complete(done, rc, path), null);
        return done;
    }

    private static void complete(CompletableFuture<Void> done, int rc, String path) {
        if (rc == KeeperException.Code.OK.intValue()) {
            done.complete(null);
        } else {
            done.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
        }
    }

    /** Closes every session; interrupted, it leaves the rest to expire on the servers and keeps the interrupt. */
    @Override
    public void close() {
        try {
            for (ZooKeeper zk : sessions) {
                zk.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
