package io.signalbox.consensus.impl;

import io.signalbox.consensus.Checks;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.message.ZabMessage.Ping;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Read-index on the leader (etcd's ReadIndex, which ZooKeeper lacks: ZOOKEEPER-1675). A read
 * remembers the commit point when it arrived; it is released once a quorum (counting the
 * leader) has acked a ping sent after it, which proves no newer leader could have committed
 * anything then. At most one round is in flight: reads arriving meanwhile wait for the next,
 * so a burst of reads costs one ping per follower. A lost round is repaired by heartbeats,
 * which always carry the latest round.
 */
final class ReadRounds {
    /** Reads waiting for their quorum round, at most. */
    static final int PENDING_READS_MAX = 100_000;

    private record PendingRead(long readId, long round, long readZxid) {}

    private final LeaderRole leader;
    private final Peer peer;
    private final ArrayDeque<PendingRead> pending = new ArrayDeque<>();
    /** The latest round sent in a ping. */
    private long sentRound;

    ReadRounds(LeaderRole leader) {
        this.leader = leader;
        this.peer = leader.peer;
    }

    long sentRound() {
        return sentRound;
    }

    /** False when too many reads wait; the caller answers "busy". */
    boolean request(long readId, long commitZxid) {
        if (pending.size() >= PENDING_READS_MAX) {
            return false;
        }
        boolean roundInFlight = !pending.isEmpty() && pending.peekFirst().round() == sentRound;
        pending.addLast(new PendingRead(readId, sentRound + 1, commitZxid));
        if (!roundInFlight) {
            sendRound(sentRound + 1);
        }
        release();
        return true;
    }

    /** Called after any follower's ack: releases every read whose round a quorum has confirmed. */
    void release() {
        while (!pending.isEmpty()) {
            PendingRead head = pending.peekFirst();
            if (head.round() > sentRound) {
                sendRound(head.round());
                return;
            }
            List<Integer> confirmed = leader.withSelf(List.of());
            for (LearnerHandle handle : leader.learners.values()) {
                if (handle.synced() && handle.readRoundAcked >= head.round()) {
                    confirmed.add(handle.sid);
                }
            }
            if (!peer.membership().isQuorum(confirmed)) {
                return;
            }
            pending.removeFirst();
            peer.emit(new Effect.ReadReady(head.readId(), head.readZxid()));
        }
    }

    private void sendRound(long round) {
        if (!(round == sentRound + 1)) {
            throw Checks.violation("read round %d sent after %d", round, sentRound);
        }
        sentRound = round;
        for (LearnerHandle handle : leader.learners.values()) {
            if (handle.synced()) {
                peer.send(handle.sid, new Ping(handle.attempt, leader.epoch, leader.broadcast.commitZxid, true, round));
            }
        }
    }

    void checkInvariants() {
        if (!(pending.size() <= PENDING_READS_MAX)) {
            throw Checks.violation("%d reads pending, limit %d", pending.size(), PENDING_READS_MAX);
        }
        PendingRead head = pending.peekFirst();
        if (head != null && !(head.round() <= sentRound + 1)) {
            throw Checks.violation("oldest pending read waits for round %d but only %d was sent", head.round(), sentRound);
        }
    }
}
