package io.signalbox.chaos;

import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.Member;
import io.signalbox.testkit.ProcessCluster;
import java.util.Random;

/**
 * The stale-read window, made on purpose when the nemesis pauses the leader: a client pinned to
 * that leader reads a key before the pause (so its connection is up); while the leader is paused
 * longer than the election timeout, another client writes the key through the new leader and is
 * acknowledged; then LINEARIZABLE reads of the key are sent to the paused leader and it is
 * resumed with them queued. Each read began after that write was acknowledged, so any read that
 * returns the older value is a stale read the linearizability checker must reject; a correct
 * deposed leader refuses them (its read-index round finds no quorum). Runs in the nemesis thread;
 * every wait is bounded. The operations go into the history like any other, as processes
 * {@link #WRITER} and {@link #READER}.
 */
final class StaleReadProbe {
    static final int WRITER = 1_000;
    static final int READER = 1_001;
    private static final int READS = 3;
    private static final long NEW_LEADER_WAIT_NANOS = 8_000_000_000L;

    private final ChaosNetwork network;
    private final ChaosWorkload workload;
    private final ChaosHistory history;
    private final Random random;

    StaleReadProbe(ChaosNetwork network, ChaosWorkload workload, ChaosHistory history, long seed) {
        this.network = network;
        this.workload = workload;
        this.history = history;
        this.random = new Random(seed);
    }

    /** One window around a pause of {@code leader}: {@link Window#pauseAndWrite()}, then {@link Window#resumeWithReadsQueued()}. */
    Window around(int leader, int nodes) {
        return new Window(leader, nodes, random.nextInt(workload.keys()));
    }

    final class Window {
        private final int leader;
        private final int nodes;
        private final int key;
        private final SignalboxClient toOldLeader;

        private Window(int leader, int nodes, int key) {
            this.leader = leader;
            this.nodes = nodes;
            this.key = key;
            this.toOldLeader = network.clientOf(leader, 1_000, 1_500);
            workload.probeRead(toOldLeader, READER, key);
        }

        /** Pauses the leader, waits (8 s at most) for another node to lead, and writes the key through it. */
        void pauseAndWrite() throws InterruptedException {
            network.pause(leader);
            long deadline = System.nanoTime() + NEW_LEADER_WAIT_NANOS;
            int newLeader = 0;
            while (newLeader == 0 && System.nanoTime() < deadline) {
                for (int node = 1; node <= nodes && newLeader == 0; node++) {
                    Member self = node == leader ? null : ProcessCluster.self(network.members().get(node - 1), 300, network.clientTls());
                    newLeader = self != null && self.leadsEstablished() ? node : 0;
                }
                Thread.sleep(50);
            }
            if (newLeader == 0) {
                history.nemesis("stale-read window: no new leader within 8 s of pausing node " + leader);
                return;
            }
            try (SignalboxClient toNewLeader = network.clientOf(newLeader, 1_000, 2_000)) {
                boolean acknowledged = workload.probeWrite(toNewLeader, WRITER, key);
                history.nemesis("stale-read window: node " + newLeader + " leads while node " + leader + " is paused; write of "
                        + ChaosWorkload.key(key) + " through it " + (acknowledged ? "acknowledged" : "not acknowledged"));
            }
        }

        /** Sends the reads while the old leader is still paused, resumes it, and waits (10 s at most) for their answers. */
        void resumeWithReadsQueued() throws InterruptedException {
            Thread reads = new Thread(() -> {
                for (int i = 0; i < READS; i++) {
                    workload.probeRead(toOldLeader, READER, key);
                }
            }, "chaos-stale-read-probe");
            reads.start();
            Thread.sleep(30); // the first request is in the paused leader's socket when it resumes
            network.resume(leader);
            reads.join(10_000);
            toOldLeader.close();
        }
    }
}
