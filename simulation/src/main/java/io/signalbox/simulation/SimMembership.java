package io.signalbox.simulation;

import io.signalbox.consensus.Membership;
import io.signalbox.consensus.MembershipChange;
import io.signalbox.consensus.MembershipResult;
import io.signalbox.consensus.Role;
import io.signalbox.consensus.ZabConfig;
import io.signalbox.simulation.SimEvents.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Membership changes in the fault mix (issue 18): the leader is asked to add a voter or an
 * observer, a node with a spare id and an empty disk started as the change is proposed, to
 * remove one, its own id included, or to promote an observer (refused while it lags); one
 * voter at a time, between 3 and 7, and up to two observers. A removed node is stopped for good
 * once an established leader has committed its removal (an operator stops the process after
 * {@code member rm}); if the removal was truncated away instead, the node stays. Runs grow
 * 3 to 5 and shrink back, replace a node (remove one, add a new one) and remove the leader.
 * Spare ids are never reused: a wiped node under an old id would meet the messages and
 * promises of its earlier life, which no real deployment may do either.
 *
 * Changes come at random times to a healthy cluster, every voter following the leader and
 * holding the configuration in force (what an operator checks before {@code member add}, and
 * etcd's strict reconfiguration check: a new node must catch up before the next change, or it
 * would start from a configuration that no longer holds). They also come right after a node
 * starts leading, healthy or not, where the rule "established in its epoch first" matters
 * (bug switch {@code change-before-established}); a correct leader refuses those.
 */
final class SimMembership {
    /** A removed node keeps running this long at least before it is stopped. */
    private static final int RETIRE_AFTER_TICKS_MIN = 30;
    private static final int RETIRE_AFTER_TICKS_SPREAD = 300;
    /** Observers at once in a run: enough for each of their changes, few enough to leave spare ids for voters. */
    private static final int OBSERVERS_IN_A_RUN_MAX = 2;

    private final SimulationOptions options;
    private final SplittableRandom random;
    private final SimEvents events;
    private final SimNode[] nodes;
    private final SimFaults faults;
    private final Trace trace;
    private int nextSpareId;

    SimMembership(SimulationOptions options, SplittableRandom random, SimEvents events, SimNode[] nodes, SimFaults faults, Trace trace) {
        this.options = options;
        this.random = random;
        this.events = events;
        this.nodes = nodes;
        this.faults = faults;
        this.trace = trace;
        this.nextSpareId = options.nodes() + 1;
    }

    void scheduleFirst() {
        scheduleNext();
    }

    /** The membership events: true if {@code event} was one. */
    boolean handle(SimEvents.Event event) {
        switch (event.kind()) {
            case MEMBERSHIP -> {
                if (event.node() == 0) {
                    changeOnce(true);
                    scheduleNext();
                } else {
                    changeRightAfterElection(nodes[event.node()]); // no chain of its own
                }
            }
            case RETIRE -> retireIfRemoved(nodes[event.node()]);
            case PROMOTE -> promoteIfObserver(event.node());
            default -> {
                return false;
            }
        }
        return true;
    }

    /** A node started leading: sometimes a change arrives at once, while it may still be syncing its followers. */
    void leadingStarted(SimNode leader) {
        if (options.membershipChangesPerThousandTicks() > 0 && !faults.healed() && random.nextInt(4) == 0) {
            events.schedule(events.now() + 1 + random.nextLong(10 * SimulationOptions.TICK_UNITS), Kind.MEMBERSHIP, leader.id, 0, 0, null);
        }
    }

    /** The node that started leading, if it still does: an established one must accept, a syncing one must refuse. */
    private void changeRightAfterElection(SimNode newLeader) {
        if (running(newLeader) && newLeader.node.view().role() == Role.LEADING) {
            change(newLeader, false);
        }
    }

    private void changeOnce(boolean onlyWhenHealthy) {
        SimNode leader = leader();
        if (leader != null) {
            change(leader, onlyWhenHealthy);
        }
    }

    private void change(SimNode leader, boolean onlyWhenHealthy) {
        Membership inForce = leader.node.membership();
        if (onlyWhenHealthy && !healthy(leader, inForce)) {
            return;
        }
        boolean spareId = nextSpareId <= options.idMax();
        boolean roomForVoter = inForce.voters().size() < Membership.VOTERS_MAX;
        List<Integer> observers = inForce.observers();
        List<MembershipChange.Kind> possible = new ArrayList<>();
        if (spareId && roomForVoter) {
            possible.add(MembershipChange.Kind.ADD_VOTER);
        }
        if (inForce.voters().size() > Membership.VOTERS_MIN) {
            possible.add(MembershipChange.Kind.REMOVE_VOTER);
        }
        if (spareId && observers.size() < OBSERVERS_IN_A_RUN_MAX) {
            possible.add(MembershipChange.Kind.ADD_OBSERVER);
        }
        if (!observers.isEmpty()) {
            possible.add(MembershipChange.Kind.REMOVE_OBSERVER);
            if (roomForVoter) {
                possible.add(MembershipChange.Kind.PROMOTE_OBSERVER);
            }
        }
        if (possible.isEmpty()) {
            return;
        }
        MembershipChange.Kind kind = possible.get(random.nextInt(possible.size()));
        switch (kind) {
            case ADD_VOTER, ADD_OBSERVER -> add(leader, new MembershipChange(kind, nextSpareId));
            case REMOVE_VOTER -> remove(leader, MembershipChange.removeVoter(pick(inForce.voters())));
            case REMOVE_OBSERVER -> remove(leader, MembershipChange.removeObserver(pick(observers)));
            case PROMOTE_OBSERVER -> propose(leader, MembershipChange.promoteObserver(pick(observers)));
        }
    }

    private int pick(List<Integer> ids) {
        return ids.get(random.nextInt(ids.size()));
    }

    /** A new node (a spare id, an empty disk) started as the change adding it is proposed; as an observer, it is none of the voters it starts with. */
    private void add(SimNode leader, MembershipChange change) {
        int id = change.member();
        MembershipResult result = propose(leader, change);
        if (result instanceof MembershipResult.Accepted accepted) {
            nextSpareId++;
            if (change.kind() == MembershipChange.Kind.ADD_OBSERVER && random.nextBoolean()) {
                // An operator promotes a new observer once it caught up, or tries too early: either may come first.
                long after = RETIRE_AFTER_TICKS_MIN + random.nextInt(RETIRE_AFTER_TICKS_SPREAD);
                events.schedule(events.now() + after * SimulationOptions.TICK_UNITS, Kind.PROMOTE, id, 0, 0, null);
            }
            ZabConfig config = ZabConfig.defaults(id, List.copyOf(accepted.membership().voters()))
                    .withZxidCounterMax(options.zxidCounterMax());
            nodes[id].joinWith(config);
            faults.restart(nodes[id]);
        }
    }

    private void remove(SimNode leader, MembershipChange change) {
        int id = change.member();
        MembershipResult result = propose(leader, change);
        if (result instanceof MembershipResult.Accepted) {
            long after = RETIRE_AFTER_TICKS_MIN + random.nextInt(RETIRE_AFTER_TICKS_SPREAD);
            events.schedule(events.now() + after * SimulationOptions.TICK_UNITS, Kind.RETIRE, id, 0, 0, null);
        }
    }

    private MembershipResult propose(SimNode leader, MembershipChange change) {
        MembershipResult result = leader.node.proposeMembership(change, new byte[0]);
        leader.applyEffects();
        boolean removal = change.kind() == MembershipChange.Kind.REMOVE_VOTER || change.kind() == MembershipChange.Kind.REMOVE_OBSERVER;
        trace.record(events.now(), leader.id, "membership", change + ": " + result, removal ? -change.member() : change.member());
        return result;
    }

    /** Whoever leads now is asked to promote {@code id} if it is still an observer there. */
    private void promoteIfObserver(int id) {
        SimNode leader = leader();
        if (leader != null && leader.node.membership().observers().contains(id)) {
            propose(leader, MembershipChange.promoteObserver(id));
        }
    }

    /** Every voter up and running, holding {@code inForce}, and following {@code leader}, which is established. */
    private boolean healthy(SimNode leader, Membership inForce) {
        if (!leader.node.view().established()) {
            return false;
        }
        for (int voter : inForce.voters()) {
            SimNode node = nodes[voter];
            if (!running(node) || node.node.membership().zxid() != inForce.zxid()) {
                return false;
            }
            if (voter != leader.id && !(node.node.view().role() == Role.FOLLOWING && node.node.view().leaderId() == leader.id
                    && node.node.view().established())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops {@code node} for good once an established leader has committed a configuration
     * without it; asks again later while none leads or the removal is not committed yet (a
     * new leader may still truncate it away, and then the node stays a voter).
     */
    private void retireIfRemoved(SimNode node) {
        if (node.retired) {
            return;
        }
        SimNode leader = establishedLeader();
        Membership inForce = leader == null ? null : leader.node.membership();
        boolean committed = inForce != null && leader.node.view().lastDeliveredZxid() >= inForce.zxid();
        if (inForce == null || (!committed && !inForce.isMember(node.id))) {
            events.schedule(events.now() + RETIRE_AFTER_TICKS_MIN * SimulationOptions.TICK_UNITS, Kind.RETIRE, node.id, 0, 0, null);
        } else if (!inForce.isMember(node.id)) {
            faults.retire(node);
        }
    }

    /** The configuration the cluster ends with: an established leader's, or null while none leads. */
    Membership inForce() {
        SimNode leader = establishedLeader();
        return leader == null ? null : leader.node.membership();
    }

    /** An established leader if one is up and running, else any node that says it leads (the core refuses for it). */
    private SimNode leader() {
        SimNode established = establishedLeader();
        if (established != null) {
            return established;
        }
        for (int id = 1; id < nodes.length; id++) {
            if (running(nodes[id]) && nodes[id].node.view().role() == Role.LEADING) {
                return nodes[id];
            }
        }
        return null;
    }

    private SimNode establishedLeader() {
        SimNode newest = null;
        for (int id = 1; id < nodes.length; id++) {
            SimNode node = nodes[id];
            if (running(node) && node.node.view().role() == Role.LEADING && node.node.view().established()
                    && (newest == null || node.node.view().currentEpoch() > newest.node.view().currentEpoch())) {
                newest = node;
            }
        }
        return newest;
    }

    private boolean running(SimNode node) {
        return node.up() && !faults.paused(node);
    }

    private void scheduleNext() {
        int perThousandTicks = options.membershipChangesPerThousandTicks();
        if (faults.healed() || perThousandTicks == 0) {
            return;
        }
        double mean = 1000.0 * SimulationOptions.TICK_UNITS / perThousandTicks;
        long at = events.now() + 1 + (long) (-Math.log(1 - random.nextDouble()) * mean);
        if (at < options.safetyTicks() * SimulationOptions.TICK_UNITS) {
            events.schedule(at, Kind.MEMBERSHIP, 0, 0, 0, null);
        }
    }
}
