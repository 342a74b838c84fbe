package io.signalbox.chaos;

import io.signalbox.protocol.Member;
import io.signalbox.testkit.ProcessCluster;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Breaks the cluster on a schedule drawn from the seed: wait 1-3 s, apply one fault, hold it
 * 2-5 s, heal it, again until the end. The kinds come in rounds, each enabled kind once per
 * round in a shuffled order, so a short run has every kind. Kinds: {@code partition}
 * (random halves, the leader isolated, a majority ring, or one node deaf to the others),
 * {@code netem} (delay, loss and reordering on one node), {@code kill} (kill -9, restart at
 * the heal), {@code pause} (SIGSTOP, SIGCONT at the heal; every other pause, the first
 * included, is of the leader, held open as a {@link StaleReadProbe} window), {@code wipe}
 * (kill -9, data directory removed, restart: it must resync by SNAP), and the disk kinds of
 * {@link ChaosDiskFaults}: {@code powerloss}, {@code disk-error}, {@code disk-full}, and
 * {@code membership} ({@link ChaosMembership}: a node replaced by a wiped one through the log).
 */
final class ChaosNemesis {
    public static final Set<String> KINDS = Set.of("partition", "netem", "kill", "pause", "wipe", "powerloss", "disk-error", "disk-full",
            "membership");

    private final ChaosNetwork network;
    private final ChaosHistory history;
    private final List<String> kinds;
    private final Random random;
    private final int nodes;
    private final Map<String, Integer> counts = new TreeMap<>();
    private final StaleReadProbe probe;
    private final ChaosDiskFaults disks;
    /** Null unless the run has the membership kind. */
    private final ChaosMembership membership;
    private final List<String> round = new ArrayList<>();
    private int pauses;

    ChaosNemesis(ChaosNetwork network, ChaosHistory history, List<String> kinds, long seed, int nodes, StaleReadProbe probe) {
        checkKinds(kinds);
        this.network = network;
        this.history = history;
        this.kinds = List.copyOf(kinds);
        this.random = new Random(seed);
        this.nodes = nodes;
        this.probe = probe;
        this.disks = new ChaosDiskFaults(network, history, random, nodes);
        this.membership = kinds.contains("membership") ? new ChaosMembership(network, history, random, nodes) : null;
    }

    /** Whether any of {@code kinds} needs a {@link FaultFs} under the data directories. */
    static boolean needsFaultFs(List<String> kinds) {
        return kinds.stream().anyMatch(ChaosDiskFaults.KINDS::contains);
    }

    /** @throws IllegalArgumentException naming the first kind that is not one of {@link #KINDS} */
    static void checkKinds(List<String> kinds) {
        for (String kind : kinds) {
            if (!KINDS.contains(kind)) {
                throw new IllegalArgumentException("nemesis \"" + kind + "\" is not one of " + new TreeSet<>(KINDS));
            }
        }
    }

    Map<String, Integer> counts() {
        return counts;
    }

    /** Runs faults until {@code deadlineNanos}; always leaves the cluster healed and every node running. */
    void run(long deadlineNanos) throws Exception {
        try {
            while (System.nanoTime() < deadlineNanos - 3_000_000_000L) {
                Thread.sleep(1_000 + random.nextInt(2_000));
                if (round.isEmpty()) {
                    round.addAll(kinds);
                    Collections.shuffle(round, random);
                }
                String kind = round.remove(round.size() - 1);
                Runnable heal = apply(kind);
                counts.merge(kind, 1, Integer::sum);
                Thread.sleep(2_000 + random.nextInt(3_000));
                heal.run();
            }
        } finally {
            healAll();
        }
    }

    void healAll() throws Exception {
        network.healNetwork();
        network.healDisks();
        if (membership != null) {
            membership.heal();
        }
        for (int i = 1; i <= nodes; i++) {
            if (!network.alive(i)) {
                network.startNode(i);
            }
        }
        history.nemesis("heal all");
    }

    private Runnable apply(String kind) throws Exception {
        List<Integer> all = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            all.add(i);
        }
        switch (kind) {
            case "partition": {
                int variant = random.nextInt(4);
                int leader = leader();
                if (variant == 0 || variant == 1 && leader == 0) {
                    Collections.shuffle(all, random);
                    List<Integer> minority = all.subList(0, nodes / 2);
                    List<Integer> majority = all.subList(nodes / 2, nodes);
                    network.drop(minority, majority);
                    network.drop(majority, minority);
                    history.nemesis("partition halves " + minority + " | " + majority);
                } else if (variant == 1) {
                    List<Integer> rest = new ArrayList<>(all);
                    rest.remove(Integer.valueOf(leader));
                    network.drop(List.of(leader), rest);
                    network.drop(rest, List.of(leader));
                    history.nemesis("partition isolates leader " + leader);
                } else if (variant == 2) {
                    for (int i = 1; i <= nodes; i++) { // each node hears only its ring neighbours
                        List<Integer> far = new ArrayList<>();
                        for (int j = 1; j <= nodes; j++) {
                            int distance = Math.min(Math.abs(i - j), nodes - Math.abs(i - j));
                            if (distance > 1) {
                                far.add(j);
                            }
                        }
                        network.drop(far, List.of(i));
                    }
                    history.nemesis("partition majority ring");
                } else {
                    int deaf = all.get(random.nextInt(nodes));
                    List<Integer> rest = new ArrayList<>(all);
                    rest.remove(Integer.valueOf(deaf));
                    network.drop(rest, List.of(deaf));
                    history.nemesis("partition one-way: node " + deaf + " hears nobody, is heard by all");
                }
                return () -> {
                    network.healNetwork();
                    history.nemesis("heal partition");
                };
            }
            case "netem": {
                int node = all.get(random.nextInt(nodes));
                network.netem(node, "delay", "50ms", "25ms", "loss", "5%", "reorder", "10%", "50%");
                history.nemesis("netem on node " + node + ": delay 50ms +-25ms, loss 5%, reorder 10%");
                return () -> {
                    network.healNetwork();
                    history.nemesis("heal netem");
                };
            }
            case "kill":
            case "wipe": {
                int node = all.get(random.nextInt(nodes));
                if (kind.equals("kill")) {
                    network.kill9(node);
                } else {
                    network.wipe(node);
                }
                history.nemesis(kind + " node " + node);
                return () -> {
                    try {
                        network.startNode(node);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    history.nemesis("restart node " + node);
                };
            }
            case "pause": {
                int leader = leader();
                if (leader != 0 && pauses++ % 2 == 0) {
                    history.nemesis("pause node " + leader + " (the leader), a stale-read window");
                    StaleReadProbe.Window window = probe.around(leader, nodes);
                    window.pauseAndWrite();
                    return () -> {
                        try {
                            window.resumeWithReadsQueued();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        history.nemesis("resume node " + leader);
                    };
                }
                int node = all.get(random.nextInt(nodes));
                network.pause(node);
                history.nemesis("pause node " + node + (node == leader ? " (the leader)" : ""));
                return () -> {
                    network.resume(node);
                    history.nemesis("resume node " + node);
                };
            }
            case "powerloss":
            case "disk-error":
            case "disk-full":
                return disks.apply(kind, leader());
            case "membership":
                return membership.apply(leader());
            default:
                throw new AssertionError(kind);
        }
    }

    /** The node that says it leads an established epoch, or 0. */
    int leader() {
        return ProcessCluster.leader(network.members(), 500, network.clientTls());
    }

    Member self(int node) {
        return ProcessCluster.self(network.members().get(node - 1), 500, network.clientTls());
    }
}
