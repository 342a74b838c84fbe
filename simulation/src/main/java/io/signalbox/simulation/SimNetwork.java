package io.signalbox.simulation;

import java.util.SplittableRandom;

/**
 * The simulated network: per-message loss, duplication and delay (long delays reorder),
 * and a matrix of blocked directions for symmetric and one-way partitions. Partitions
 * are checked on arrival, so messages in flight when a partition starts are lost too.
 */
final class SimNetwork {
    static final long LATENCY_UNITS_MIN = 20;
    static final long LATENCY_UNITS_MAX = 300;
    static final long SPIKE_UNITS_MAX = 8 * SimulationOptions.TICK_UNITS;

    private final boolean[][] blocked;
    private final int nodes;
    double lossProbability;
    double duplicateProbability;
    double delaySpikeProbability;

    SimNetwork(int nodes, SimulationOptions options) {
        this.nodes = nodes;
        this.blocked = new boolean[nodes + 1][nodes + 1];
        this.lossProbability = options.lossProbability();
        this.duplicateProbability = options.duplicateProbability();
        this.delaySpikeProbability = options.delaySpikeProbability();
    }

    /** How many copies of one message arrive: 0 (lost), 1, or 2 (duplicated). */
    int copies(SplittableRandom random) {
        if (random.nextDouble() < lossProbability) {
            return 0;
        }
        return random.nextDouble() < duplicateProbability ? 2 : 1;
    }

    long delay(SplittableRandom random) {
        long delay = LATENCY_UNITS_MIN + random.nextLong(LATENCY_UNITS_MAX - LATENCY_UNITS_MIN);
        if (random.nextDouble() < delaySpikeProbability) {
            delay += random.nextLong(SPIKE_UNITS_MAX);
        }
        return delay;
    }

    boolean isBlocked(int from, int to) {
        return blocked[from][to];
    }

    void block(int from, int to) {
        blocked[from][to] = true;
    }

    /** Cuts every link between the two sides, both ways. */
    void split(boolean[] sideA) {
        for (int a = 1; a <= nodes; a++) {
            for (int b = 1; b <= nodes; b++) {
                if (sideA[a] != sideA[b]) {
                    blocked[a][b] = true;
                }
            }
        }
    }

    /**
     * Cuts the network one of four ways: a random minority split, the leader isolated,
     * nothing from one node arriving, or nothing reaching one node.
     *
     * @param leader the current leader, or 0 if none
     * @return what was cut, for the trace
     */
    String partitionAtRandom(SplittableRandom random, int leader) {
        healPartitions();
        int kind = random.nextInt(4);
        if (kind == 0 || (kind == 1 && leader == 0)) {
            boolean[] side = new boolean[nodes + 1];
            int minority = 1 + random.nextInt(nodes / 2);
            for (int i = 0; i < minority; i++) {
                side[1 + random.nextInt(nodes)] = true;
            }
            split(side);
            return "split " + java.util.Arrays.toString(side);
        }
        if (kind == 1) {
            boolean[] side = new boolean[nodes + 1];
            side[leader] = true;
            split(side);
            return "isolate leader " + leader;
        }
        int node = 1 + random.nextInt(nodes);
        for (int other = 1; other <= nodes; other++) {
            if (other != node) {
                if (kind == 2) {
                    block(node, other);
                } else {
                    block(other, node);
                }
            }
        }
        return kind == 2 ? "one-way: nothing from " + node + " arrives" : "one-way: nothing reaches " + node;
    }

    void healPartitions() {
        for (boolean[] row : blocked) {
            java.util.Arrays.fill(row, false);
        }
    }

    void healAll() {
        healPartitions();
        lossProbability = 0;
        duplicateProbability = 0;
        delaySpikeProbability = 0;
    }
}
