package io.signalbox.consensus.impl;

import io.signalbox.consensus.Checks;
import io.signalbox.consensus.Effect;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The core's side of asynchronous storage (see {@link Effect}): numbers durable writes, learns
 * from the runtime's cumulative reports how far the log is durable, and holds back every
 * message issued after a barrier write (epochs, truncation, snapshot install) until that
 * write is reported, since such a message may vouch for it: an ACKEPOCH for the promised
 * epoch, a LEADERINFO for the leader's, an ack after a TRUNC or a SNAP.
 */
final class DurabilityGate {
    /** Messages waiting for a barrier at most; beyond it they are dropped, as a lossy network may. */
    static final int HELD_SENDS_MAX = 10_000;

    /** A write not yet reported; {@code durableZxid} is where the log's durable end stands once it is, or -1 if it does not move it. */
    private record Pending(long writeId, long durableZxid) {}

    private record Held(long barrierWriteId, Effect.Send send) {}

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private long lastIssuedWriteId;
    private long writtenWriteId;
    private long barrierWriteId;
    private long droppedSends;

    /** The id for the next durable write; {@code durableZxid} as in {@link Pending}, {@code barrier} for non-appends. */
    long issue(long durableZxid, boolean barrier) {
        long writeId = ++lastIssuedWriteId;
        pending.add(new Pending(writeId, durableZxid));
        if (barrier) {
            barrierWriteId = writeId;
        }
        return writeId;
    }

    /** The log was cut at {@code zxid} (a truncation or a snapshot install): writes still pending cannot make more durable. */
    void clampPending(long zxid) {
        if (pending.stream().noneMatch(p -> p.durableZxid > zxid)) {
            return;
        }
        List<Pending> clamped = pending.stream()
                .map(p -> p.durableZxid > zxid ? new Pending(p.writeId, zxid) : p).toList();
        pending.clear();
        pending.addAll(clamped);
    }

    /** Either passes {@code send} to {@code outbox} at once, or holds it behind the last barrier still pending. */
    void send(Effect.Send send, List<Effect> outbox) {
        if (barrierWriteId <= writtenWriteId) {
            outbox.add(send);
        } else if (held.size() < HELD_SENDS_MAX) {
            held.add(new Held(barrierWriteId, send));
        } else {
            droppedSends++;
        }
    }

    /**
     * The runtime's report that every write up to {@code writeId} is durable. Releases the
     * messages it unblocks into {@code outbox}, in the order they were sent, and returns where
     * the log's durable end stands now ({@code durableZxid} if nothing moved it).
     */
    long written(long writeId, long durableZxid, List<Effect> outbox) {
        if (!(writeId >= 0 && writeId <= lastIssuedWriteId)) {
            throw Checks.badArgument("write %d reported durable, but the last write issued is %d", writeId, lastIssuedWriteId);
        }
        if (writeId <= writtenWriteId) {
            return durableZxid;
        }
        writtenWriteId = writeId;
        long durable = durableZxid;
        while (!pending.isEmpty() && pending.peek().writeId <= writeId) {
            Pending done = pending.poll();
            durable = Math.max(durable, done.durableZxid);
        }
        while (!held.isEmpty() && held.peek().barrierWriteId <= writtenWriteId) {
            outbox.add(held.poll().send);
        }
        return durable;
    }

    long lastIssuedWriteId() {
        return lastIssuedWriteId;
    }

    long writtenWriteId() {
        return writtenWriteId;
    }

    int heldSends() {
        return held.size();
    }

    long droppedSends() {
        return droppedSends;
    }
}
