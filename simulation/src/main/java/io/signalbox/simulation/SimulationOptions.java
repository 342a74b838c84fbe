package io.signalbox.simulation;

import io.signalbox.consensus.Bug;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Every knob of one simulated run, drawn from the seed (TigerBeetle's VOPR "swarm"
 * style: each seed gets its own mix of faults, some of them off). Time is in
 * simulator units; a nominal tick is {@link #TICK_UNITS} of them.
 *
 * @param nodes                     voters in the cluster
 * @param safetyTicks               ticks with faults on
 * @param livenessTicksMax          after healing, a leader must commit a new proposal within this many ticks
 * @param lossProbability           per message, 0 to 0.3
 * @param duplicateProbability      per message
 * @param delaySpikeProbability     per message: a long delay, which reorders
 * @param partitionsPerThousandTicks how often the network is split (halves, isolated leader, one-way)
 * @param crashesPerThousandTicks   how often a node is killed (losing unsynced writes)
 * @param pausesPerThousandTicks    how often a node (mostly the leader) stops for a while, as under SIGSTOP or a long GC, and
 *                                  then goes on as if nothing happened: a deposed leader that still believes it leads
 * @param membershipChangesPerThousandTicks how often the leader is asked to add a voter (a new node) or remove one
 *                                  ({@link SimMembership}); 0 keeps the voters fixed
 * @param crashPointProbability     chance that a node is killed right after a disk write, before its next effect
 * @param slowDiskProbability       chance that a disk sync is very slow
 * @param tickDriftPercentMax       per-node tick period deviation
 * @param proposalsPerTick          client write rate
 * @param snapshotEveryTxns         a node snapshots its state after this many delivered txns
 * @param zxidCounterMax            low values force epoch rollover
 * @param bugs                      protocol bugs switched on (empty in normal runs)
 */
public record SimulationOptions(
        long seed,
        int nodes,
        int safetyTicks,
        int livenessTicksMax,
        double lossProbability,
        double duplicateProbability,
        double delaySpikeProbability,
        int partitionsPerThousandTicks,
        int crashesPerThousandTicks,
        int pausesPerThousandTicks,
        int membershipChangesPerThousandTicks,
        double crashPointProbability,
        double slowDiskProbability,
        int tickDriftPercentMax,
        double proposalsPerTick,
        int snapshotEveryTxns,
        long zxidCounterMax,
        Set<Bug> bugs) {

    public static final long TICK_UNITS = 1_000;
    public static final int LIVENESS_TICKS_DEFAULT = 2_000;
    /** Ids a run may add beyond its first voters; each is used once, so a run grows by at most this many nodes. */
    public static final int SPARE_IDS = 4;

    public SimulationOptions {
        if (nodes != 3 && nodes != 5 && nodes != 7) {
            throw new IllegalArgumentException("--nodes must be 3, 5 or 7, got " + nodes);
        }
        if (safetyTicks < 1 || safetyTicks > 100_000_000) {
            throw new IllegalArgumentException("--ticks must be in 1..100000000, got " + safetyTicks);
        }
        if (membershipChangesPerThousandTicks < 0) {
            throw new IllegalArgumentException("membership changes per thousand ticks must be 0 or more, got "
                    + membershipChangesPerThousandTicks);
        }
        bugs = Set.copyOf(bugs);
    }

    /** The same knobs with the voters fixed: the run this seed gave before membership changes joined the fault mix. */
    public SimulationOptions withoutMembershipChanges() {
        return new SimulationOptions(seed, nodes, safetyTicks, livenessTicksMax, lossProbability, duplicateProbability,
                delaySpikeProbability, partitionsPerThousandTicks, crashesPerThousandTicks, pausesPerThousandTicks, 0,
                crashPointProbability, slowDiskProbability, tickDriftPercentMax, proposalsPerTick, snapshotEveryTxns, zxidCounterMax, bugs);
    }

    /** The highest node id of the run: the first voters, then the spare ids membership changes may add. */
    public int idMax() {
        return membershipChangesPerThousandTicks == 0 ? nodes : nodes + SPARE_IDS;
    }

    /** Draws the knobs of one run from its seed. */
    public static SimulationOptions fromSeed(long seed, int nodes, int safetyTicks, Set<Bug> bugs) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5EEDL);
        double loss = pick(random, 0.0, 0.3);
        double duplicates = pick(random, 0.0, 0.05);
        double delaySpikes = pick(random, 0.0, 0.1);
        int partitions = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(6);
        int crashes = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(12);
        int pauses = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(4);
        double crashPoints = pick(random, 0.0, 0.02);
        double slowDisks = pick(random, 0.0, 0.2);
        int drift = random.nextInt(3) == 0 ? 0 : random.nextInt(11);
        double proposals = 0.1 + random.nextDouble() * 1.4;
        int snapshotEvery = 5 + random.nextInt(200);
        long counterMax = random.nextInt(5) == 0 ? 8 + random.nextInt(40) : io.signalbox.common.Zxid.COUNTER_MAX;
        // Drawn last, so that a seed without membership changes keeps the knobs (and the run) it had before they existed.
        int membershipChanges = random.nextInt(2) == 0 ? 0 : 1 + random.nextInt(4);
        return new SimulationOptions(seed, nodes, safetyTicks, LIVENESS_TICKS_DEFAULT, loss, duplicates, delaySpikes, partitions, crashes,
                pauses, membershipChanges, crashPoints, slowDisks, drift, proposals, snapshotEvery, counterMax, bugs);
    }

    /** Off for about a third of the seeds, otherwise uniform in [low, high]. */
    private static double pick(SplittableRandom random, double low, double high) {
        return random.nextInt(3) == 0 ? 0.0 : low + random.nextDouble() * (high - low);
    }
}
