package io.signalbox.simulation;

import io.signalbox.consensus.Role;
import io.signalbox.simulation.SimEvents.Kind;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The fault mix of the safety phase, drawn from the seed: partitions, crashes (kill -9, and
 * crash points right after a write reaches the disk), and pauses (a process stopped, then
 * going on as if no time had passed). Faults favour the leader. Ends with
 * {@link #healEverything()}: the liveness phase has none.
 */
final class SimFaults {
    private final SimulationOptions options;
    private final SplittableRandom random;
    private final SimEvents events;
    private final SimNode[] nodes;
    private final long[] tickPeriodUnits;
    private final SimNetwork network;
    private final Trace trace;
    /** A node died: whatever the simulated clients had open there is gone. */
    private final Consumer<SimNode> nodeDied;
    /** Per node: when a pause ends (0: running). A paused node neither ticks nor hears; its peers give up on their links. */
    private final long[] pausedUntil;
    private boolean healed;
    private long healTime;

    SimFaults(SimulationOptions options, SplittableRandom random, SimEvents events, SimNode[] nodes, long[] tickPeriodUnits,
              SimNetwork network, Trace trace, Consumer<SimNode> nodeDied) {
        this.options = options;
        this.random = random;
        this.events = events;
        this.nodes = nodes;
        this.tickPeriodUnits = tickPeriodUnits;
        this.network = network;
        this.trace = trace;
        this.nodeDied = nodeDied;
        this.pausedUntil = new long[nodes.length];
    }

    void scheduleFirst() {
        scheduleFault(Kind.PARTITION, options.partitionsPerThousandTicks());
        scheduleFault(Kind.CRASH, options.crashesPerThousandTicks());
        scheduleFault(Kind.PAUSE, options.pausesPerThousandTicks());
    }

    /** The fault events: true if {@code event} was one. */
    boolean handle(SimEvents.Event event) {
        long now = events.now();
        switch (event.kind()) {
            case PAUSE -> {
                pauseSomeNode();
                scheduleFault(Kind.PAUSE, options.pausesPerThousandTicks());
            }
            case RESUME -> {
                if (pausedUntil[event.node()] == now) {
                    pausedUntil[event.node()] = 0;
                    trace.record(now, event.node(), "resume", "goes on as if no time had passed", 5);
                }
            }
            case PARTITION -> {
                startPartition();
                scheduleFault(Kind.PARTITION, options.partitionsPerThousandTicks());
            }
            case HEAL_PARTITION -> {
                network.healPartitions();
                trace.record(now, 0, "heal-partition", null, 1);
            }
            case CRASH -> {
                crashSomeNode();
                scheduleFault(Kind.CRASH, options.crashesPerThousandTicks());
            }
            case RESTART -> {
                if (!nodes[event.node()].up()) {
                    restart(nodes[event.node()]);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    boolean paused(SimNode node) {
        return pausedUntil[node.id] > events.now();
    }

    /** When a paused node goes on (events for it wait until then). */
    long pausedUntil(SimNode node) {
        return pausedUntil[node.id];
    }

    boolean healed() {
        return healed;
    }

    long healTime() {
        return healTime;
    }

    boolean crashPointHits() {
        return !healed && options.crashPointProbability() > 0 && random.nextDouble() < options.crashPointProbability();
    }

    void crashedAtCrashPoint(SimNode node) {
        trace.record(events.now(), node.id, "crash-point", "killed right after a write reached the disk", 3);
        kill(node);
    }

    void restart(SimNode node) {
        if (node.retired) {
            return;
        }
        node.start(options, random.nextLong());
        events.schedule(events.now() + random.nextLong(tickPeriodUnits[node.id]), Kind.TICK, node.id, 0, node.incarnation, null);
    }

    /** The liveness phase begins: every partition healed, every pause ended, every node up. */
    void healEverything() {
        healed = true;
        healTime = events.now();
        network.healAll();
        Arrays.fill(pausedUntil, 0);
        for (int id = 1; id < nodes.length; id++) {
            if (!nodes[id].up() && nodes[id].born()) {
                restart(nodes[id]);
            }
        }
        trace.record(events.now(), 0, "heal-all", "liveness phase begins", 2);
    }

    int currentLeader() {
        for (int id = 1; id < nodes.length; id++) {
            if (nodes[id].up() && nodes[id].node.view().role() == Role.LEADING) {
                return id;
            }
        }
        return 0;
    }

    private void pauseSomeNode() {
        int leader = currentLeader();
        int victim = leader != 0 && random.nextInt(3) > 0 ? leader : 1 + random.nextInt(options.idMax());
        if (!nodes[victim].up() || paused(nodes[victim])) {
            return;
        }
        long until = events.now() + (40 + random.nextInt(160)) * SimulationOptions.TICK_UNITS;
        pausedUntil[victim] = until;
        trace.record(events.now(), victim, "pause", "until " + until / SimulationOptions.TICK_UNITS, until);
        events.schedule(until, Kind.RESUME, victim, 0, 0, null);
    }

    private void startPartition() {
        String description = network.partitionAtRandom(random, currentLeader());
        trace.record(events.now(), 0, "partition", description, description.hashCode());
        long duration = (20 + random.nextInt(400)) * SimulationOptions.TICK_UNITS;
        events.schedule(events.now() + duration, Kind.HEAL_PARTITION, 0, 0, 0, null);
    }

    private void crashSomeNode() {
        int leader = currentLeader();
        int victim = leader != 0 && random.nextBoolean() ? leader : 1 + random.nextInt(options.idMax());
        if (nodes[victim].up()) {
            kill(nodes[victim]);
        }
    }

    /** Stops a node for good: removed from the configuration, it is not restarted, not even to heal. */
    void retire(SimNode node) {
        if (node.up()) {
            node.crash(random);
            nodeDied.accept(node);
        }
        node.retired = true;
        pausedUntil[node.id] = 0;
        trace.record(events.now(), node.id, "retire", "stopped for good after its removal", 6);
    }

    private void kill(SimNode node) {
        node.crash(random);
        pausedUntil[node.id] = 0;
        nodeDied.accept(node);
        long downtime = (1 + random.nextInt(300)) * SimulationOptions.TICK_UNITS;
        events.schedule(events.now() + downtime, Kind.RESTART, node.id, 0, 0, null);
    }

    private void scheduleFault(Kind kind, int perThousandTicks) {
        if (healed || perThousandTicks == 0) {
            return;
        }
        double mean = 1000.0 * SimulationOptions.TICK_UNITS / perThousandTicks;
        long at = events.now() + 1 + (long) (-Math.log(1 - random.nextDouble()) * mean);
        if (at < options.safetyTicks() * SimulationOptions.TICK_UNITS) {
            events.schedule(at, kind, 0, 0, 0, null);
        }
    }
}
