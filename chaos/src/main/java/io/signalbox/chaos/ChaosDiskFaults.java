package io.signalbox.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The nemeses on the {@link FaultFs} under each data directory. Each applies a fault and returns
 * its heal; variants alternate so that a short run has both (the dangerous one first):
 * <ul>
 * <li>{@code powerloss}: kill -9 and the unsynced writes dropped, on every node at once, then on
 *     one node (the leader or a random one); restarted at the heal.
 * <li>{@code disk-error}: one node's fsyncs, then its writes, fail with EIO for the hold.
 * <li>{@code disk-full}: writes refused with ENOSPC on one node, then on every node, for the hold.
 * </ul>
 * At a disk fault's heal the fault is turned off and, if any operation failed meanwhile, the node
 * must have stopped by itself (10 s at most); the heal event says how many operations failed and
 * whether the node stopped, for {@link ChaosChecks#diskFailuresStopTheNode}. Nodes that are not
 * running are restarted.
 */
final class ChaosDiskFaults {
    static final List<String> KINDS = List.of("powerloss", "disk-error", "disk-full");

    private final ChaosNetwork network;
    private final ChaosHistory history;
    private final Random random;
    private final int nodes;
    private int powerLosses;
    private int diskErrors;
    private int fullDisks;
    /** Per node, its filesystem's failed operations counted at the last heal. */
    private final long[] failedSoFar;

    ChaosDiskFaults(ChaosNetwork network, ChaosHistory history, Random random, int nodes) {
        this.network = network;
        this.history = history;
        this.random = random;
        this.nodes = nodes;
        this.failedSoFar = new long[nodes + 1];
    }

    Runnable apply(String kind, int leader) throws IOException, InterruptedException {
        switch (kind) {
            case "powerloss": {
                List<Integer> lost = powerLosses++ % 2 == 0 ? all() : List.of(leaderOrRandom(leader));
                List<String> dropped = network.powerLoss(lost);
                history.nemesis("powerloss " + (lost.size() == nodes ? "of every node" : "of node " + lost.get(0)) + ": "
                        + String.join("; ", dropped));
                return () -> restart(lost, "powerloss");
            }
            case "disk-error": {
                int node = leaderOrRandom(leader);
                boolean fsync = diskErrors++ % 2 == 0;
                if (fsync) {
                    network.disk(node).failFsync(true);
                } else {
                    network.disk(node).failWrites(true);
                }
                history.nemesis("disk-error on node " + node + ": " + (fsync ? "fsyncs" : "writes") + " fail with EIO");
                return () -> heal(List.of(node), "disk-error", fs -> {
                    if (fsync) {
                        fs.failFsync(false);
                    } else {
                        fs.failWrites(false);
                    }
                });
            }
            case "disk-full": {
                List<Integer> full = fullDisks++ % 2 == 0 ? List.of(leaderOrRandom(leader)) : all();
                for (int node : full) {
                    network.disk(node).full(true);
                }
                history.nemesis("disk-full on " + (full.size() == nodes ? "every node" : "node " + full.get(0)) + ": writes refused with ENOSPC");
                return () -> heal(full, "disk-full", fs -> fs.full(false));
            }
            default:
                throw new AssertionError(kind);
        }
    }

    private interface Off {
        void apply(FaultFs fs) throws IOException;
    }

    /** Turns the fault off on each node, checks a node that failed an operation stopped, restarts what is not running. */
    private void heal(List<Integer> faulty, String kind, Off off) {
        try {
            List<String> outcomes = new ArrayList<>();
            List<Long> failedBefore = new ArrayList<>();
            for (int node : faulty) {
                String status = network.disk(node).status();
                failedBefore.add(FaultFs.counter(status, "fsyncs failed") + FaultFs.counter(status, "writes failed")
                        + FaultFs.counter(status, "writes refused full"));
                off.apply(network.disk(node));
            }
            for (int i = 0; i < faulty.size(); i++) {
                int node = faulty.get(i);
                long failed = failedBefore.get(i) - failedSoFar[node];
                boolean stopped = failed == 0 ? !network.alive(node) : network.awaitExit(node, 10);
                outcomes.add("node " + node + " " + failed + " operations failed, " + (stopped ? "stopped" : "STILL RUNNING"));
                if (!stopped && failed > 0) {
                    network.kill9(node);
                }
                failedSoFar[node] = failedBefore.get(i);
            }
            history.nemesis("heal " + kind + ": " + String.join("; ", outcomes));
            restart(faulty, kind);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while healing " + kind, e);
        }
    }

    private void restart(List<Integer> restart, String kind) {
        try {
            for (int node : restart) {
                if (!network.alive(node)) {
                    network.startNode(node);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        history.nemesis("restart after " + kind + ": nodes " + restart);
    }

    private List<Integer> all() {
        List<Integer> all = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            all.add(i);
        }
        return all;
    }

    private int leaderOrRandom(int leader) {
        return leader != 0 && random.nextBoolean() ? leader : 1 + random.nextInt(nodes);
    }
}
