package io.signalbox.consensus.impl;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Checks;
import io.signalbox.consensus.Membership;
import io.signalbox.consensus.Role;
import io.signalbox.consensus.message.ZabMessage.Notification;
import io.signalbox.consensus.message.ZabMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Phase 0, Fast Leader Election (ZooKeeper's FastLeaderElection.lookForLeader).
 * Nothing here is persisted: the round restarts from 0 after a crash, and the
 * elected leader proves its history in discovery, not here.
 */
final class FastLeaderElection implements Phase {
    /** The candidate of a node that is no voter (an observer): nobody, beaten by every real vote. */
    static final int NO_CANDIDATE = 0;

    private final Peer peer;
    private final Transitions transitions;
    private final Map<Integer, Vote> receivedVotes = new HashMap<>();
    private final Map<Integer, Notification> outOfElection = new HashMap<>();
    /** The configuration each sender last said it has in force (its newest, committed or not). */
    private final Map<Integer, Long> configurationOf = new HashMap<>();
    private Vote vote;
    private long nextRetryTick;
    private long finalizeAtTick = -1;

    FastLeaderElection(Peer peer, Transitions transitions, long previousRound) {
        this.peer = peer;
        this.transitions = transitions;
        this.vote = selfVote(previousRound + 1);
        receivedVotes.put(peer.id(), vote);
        sendNotifications();
    }

    long round() {
        return vote.round();
    }

    @Override
    public Role role() {
        return Role.LOOKING;
    }

    @Override
    public int leaderId() {
        return 0;
    }

    @Override
    public boolean established() {
        return false;
    }

    @Override
    public void tick() {
        if (finalizeAtTick >= 0 && peer.tick >= finalizeAtTick) {
            finalizeAtTick = -1;
            if (hasQuorumFor(vote)) {
                decide(vote);
                return;
            }
        }
        if (peer.tick >= nextRetryTick) {
            sendNotifications();
        }
    }

    @Override
    public void receive(int from, ZabMessage message) {
        if (message instanceof Notification notification) {
            onNotification(from, notification);
        }
    }

    /** FLE's receive loop: adopt newer rounds and better votes, tally, and join an established leader. */
    private void onNotification(int from, Notification n) {
        configurationOf.put(from, n.configurationZxid());
        Vote theirs = new Vote(n.round(), n.proposedLeader(), n.proposedZxid(), n.proposedEpoch());
        if (theirs.leader() == peer.id() && n.senderState() == Role.LOOKING) {
            // A vote for us describes our history as the sender last heard it; after a crash that lost
            // our unsynced tail it may claim more than we have. Judge it by what we really hold.
            theirs = selfVote(n.round());
        }
        if (n.senderState() == Role.LOOKING) {
            // Nobody (an observer's own vote) is never a candidate, whatever the sender vouches for.
            boolean candidate = theirs.leader() != NO_CANDIDATE
                    && (eligible(theirs) || n.configurationZxid() > peer.membership().zxid());
            if (n.round() > vote.round()) {
                Vote mine = selfVote(n.round());
                vote = candidate && theirs.beats(mine) ? theirs : mine;
                receivedVotes.clear();
                finalizeAtTick = -1;
                sendNotifications();
            } else if (n.round() < vote.round()) {
                // The sender is behind: tell it about our round so it catches up.
                peer.send(from, notification());
                return;
            } else if (candidate && theirs.beats(vote)) {
                vote = new Vote(vote.round(), theirs.leader(), theirs.zxid(), theirs.epoch());
                finalizeAtTick = -1;
                sendNotifications();
            }
            receivedVotes.put(from, theirs);
            receivedVotes.put(peer.id(), vote);
            if (finalizeAtTick < 0 && hasQuorumFor(vote)) {
                finalizeAtTick = peer.tick + peer.config.finalizeWaitTicks();
            }
            return;
        }
        // The sender already follows or leads: join it if a quorum agrees and that leader says it leads.
        outOfElection.put(from, n);
        int leader = n.proposedLeader();
        if (leader != peer.id() && !outOfElection.containsKey(leader) && !peer.isKnownMember(leader)) {
            // A leader added by an entry we do not hold yet: ask it directly, it answers that it leads.
            peer.send(leader, notification());
        }
        if (n.round() == vote.round()) {
            receivedVotes.put(from, theirs);
        }
        List<Integer> agreeing = new ArrayList<>();
        for (Map.Entry<Integer, Notification> other : outOfElection.entrySet()) {
            if (other.getValue().proposedLeader() == n.proposedLeader()) {
                agreeing.add(other.getKey());
            }
        }
        if ((quorumToJoin(agreeing) || leaderHasNewerConfiguration(n.proposedLeader())) && leaderConfirms(n.proposedLeader())) {
            decide(new Vote(n.round(), n.proposedLeader(), n.proposedZxid(), n.proposedEpoch()));
        }
    }

    /**
     * Joining an established leader decides nothing (the leader needs its own quorum for
     * every commit), so a quorum of either the configuration in force or the last one this node
     * delivered will do: a node whose uncommitted change was lost with its epoch (say, adding a
     * voter that never started) must still rejoin, be truncated and find the old one back.
     */
    private boolean quorumToJoin(List<Integer> agreeing) {
        return peer.membership().isQuorum(agreeing) || peer.deliveredMembership().isQuorum(agreeing);
    }

    /**
     * The leader says it leads with a configuration newer than ours: we missed entries that
     * changed the voters, so a quorum of ours may be out of reach for good (voters removed
     * since). Joining decides nothing, so its word is enough; ZooKeeper's notifications carry
     * the config version for the same reason.
     */
    private boolean leaderHasNewerConfiguration(int leader) {
        Notification fromLeader = outOfElection.get(leader);
        return fromLeader != null && fromLeader.configurationZxid() > peer.membership().zxid();
    }

    private boolean leaderConfirms(int leader) {
        if (leader == peer.id()) {
            return false; // we are looking, so we do not lead; a stale quorum must not make us believe it
        }
        Notification fromLeader = outOfElection.get(leader);
        return fromLeader != null && fromLeader.senderState() == Role.LEADING;
    }

    /**
     * Only a voter may be elected: a node whose removal this node delivered may have the newest
     * history and still must not lead, so its candidacy is not adopted, however good its history.
     * A voter of the last configuration delivered stays eligible while a change that drops it is
     * uncommitted here: two leaders' uncommitted changes on two branches (one dropping 6, the
     * other 1) would otherwise leave each side refusing the other's best candidate, for ever
     * (7-node sweep seed 30004947).
     *
     * <p>A LOOKING sender whose configuration is newer than ours vouches for its candidate
     * besides (see onNotification): it adopted that vote only as eligible in a configuration we
     * have not received. Without that, a voter added by an entry only some nodes hold is the best
     * candidate for them and no candidate for the rest, who elect a leader that itself votes for
     * the added voter, for ever (3-node sweep seed 10004740: 2 and 5 held the entry adding 5).
     */
    private boolean eligible(Vote candidate) {
        Membership inForce = peer.membership();
        if (inForce.isVoter(candidate.leader())) {
            return true;
        }
        if (!peer.deliveredMembership().isVoter(candidate.leader())) {
            return false;
        }
        // Dropped by a change not delivered here. A candidate that holds that change is out for
        // good: electing it would stall, as it does not count itself (5-node sweep seed 20026948,
        // everyone holding the removal of 4, only two having delivered it).
        return !holds(candidate, inForce.zxid());
    }

    /**
     * Whether the candidate holds the configuration entry at {@code change}. It does if its history
     * reaches that entry in the entry's epoch (within an epoch every history is a prefix of its
     * leader's), or if it says so itself: a zxid names one entry, so a candidate whose own
     * configuration is {@code change} has it, whatever epoch its history has since reached (3-node
     * sweep seed 10047544: all held the removal of 4, only 1 and 5 had delivered it, and 4's
     * history of epoch 18 passed it; 2 and 3 kept voting 4, 1 and 5 voting 3, for ever).
     */
    private boolean holds(Vote candidate, long change) {
        boolean reachesInItsEpoch = Zxid.epoch(candidate.zxid()) == Zxid.epoch(change) && candidate.zxid() >= change;
        Long saysItHas = configurationOf.get(candidate.leader());
        return reachesInItsEpoch || (saysItHas != null && saysItHas == change);
    }

    private boolean hasQuorumFor(Vote candidate) {
        List<Integer> agreeing = new ArrayList<>();
        for (Map.Entry<Integer, Vote> other : receivedVotes.entrySet()) {
            if (other.getValue().sameCandidate(candidate)) {
                agreeing.add(other.getKey());
            }
        }
        return peer.membership().isQuorum(agreeing);
    }

    private void decide(Vote decided) {
        if (decided.leader() == peer.id()) {
            transitions.lead(decided);
        } else {
            transitions.follow(decided);
        }
    }

    /**
     * A voter votes for itself first; a node that is no voter of the configuration in force nor
     * of the last one delivered (an observer) for nobody, so that it never leads, and no LOOKING
     * voter whose configuration is older than its own takes it for a voter it missed. It still
     * adopts the best eligible vote it hears and sends it on: a promoted observer that has not
     * received its promotion is a voter to those that have, and their quorum may need its vote
     * (a leader lost right after committing the promotion of 4 with 3 of 4 acks leaves 2, 3 and 4).
     */
    private Vote selfVote(long round) {
        if (!peer.membership().isVoter(peer.id()) && !peer.deliveredMembership().isVoter(peer.id())) {
            return new Vote(round, NO_CANDIDATE, Zxid.ZERO, 0);
        }
        return new Vote(round, peer.id(), peer.lastZxid(), peer.currentEpoch);
    }

    private Notification notification() {
        return new Notification(vote.round(), Role.LOOKING, vote.leader(), vote.zxid(), vote.epoch(), peer.membership().zxid());
    }

    private void sendNotifications() {
        for (int to : peer.electionPeers()) {
            peer.send(to, notification());
        }
        nextRetryTick = peer.tick + peer.config.electionRetryTicks()
                + peer.randomInt(peer.config.electionJitterTicksMax() + 1);
    }

    @Override
    public void persistedAdvanced() {
        // Durability does not change a vote: elections compare what is in the log.
    }

    @Override
    public void checkInvariants() {
        if (!(receivedVotes.get(peer.id()) != null)) {
            throw Checks.violation("own vote missing from the tally");
        }
        if (!(!vote.beats(selfVote(vote.round())) || vote.leader() != peer.id())) {
            throw Checks.violation("voting for self with a vote better than own history");
        }
    }
}
