package io.signalbox.server.net;

import io.signalbox.consensus.Txn;
import io.signalbox.consensus.message.ZabMessage;
import io.signalbox.node.PeerMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Sends the PROPOSALs and COMMITs a leader makes to one peer during a loop round as one
 * PROPOSAL with all their txns, in zxid order, then the last COMMIT: under load a round
 * proposes and commits dozens of commands, and each message cost an encoding and a pass
 * through Netty's pipeline on the leader, then a decode, a log append and an ACK on the
 * follower. A follower takes a PROPOSAL of several txns as it takes a retransmit (ZAB's
 * messages carry txn lists for that), and a COMMIT is cumulative, so the last one says all
 * that the earlier ones of the round said; sending it after the round's proposals only delays
 * it, within the round. Any other message to a peer first releases what is held for it, so
 * the order of everything else is kept. Only the loop thread calls it; {@link #release} at
 * the end of every round.
 */
public final class ProposalCoalescer {
    private final BiConsumer<Integer, PeerMessage> sender;
    private final int txnsMax;
    private final long bytesMax;
    private final Map<Integer, Held> held = new HashMap<>();

    /** What is held for one peer, all of one epoch: contiguous txns (each proposal's previous zxid the last txn before it) and the last commit. */
    private static final class Held {
        final long epoch;
        long prevZxid;
        final List<Txn> txns = new ArrayList<>();
        long bytes;
        ZabMessage.Commit commit;

        Held(long epoch) {
            this.epoch = epoch;
        }

        long lastZxid() {
            return txns.get(txns.size() - 1).zxid();
        }

        /** Sends the txns held, if any, as one PROPOSAL, and forgets them. */
        void sendTxns(int to, BiConsumer<Integer, PeerMessage> sender) {
            if (!txns.isEmpty()) {
                sender.accept(to, new PeerMessage.Zab(new ZabMessage.Proposal(epoch, prevZxid, txns)));
                txns.clear();
                bytes = 0;
            }
        }
    }

    /**
     * @param txnsMax  txns in one merged PROPOSAL, at most (the core's {@code proposalTxnsMax})
     * @param bytesMax payload bytes in one merged PROPOSAL, at most (the core's {@code syncBatchBytesMax})
     */
    public ProposalCoalescer(BiConsumer<Integer, PeerMessage> sender, int txnsMax, long bytesMax) {
        if (txnsMax < 1 || bytesMax < 1) {
            throw new IllegalArgumentException("txnsMax (" + txnsMax + ") and bytesMax (" + bytesMax + ") must be at least 1");
        }
        this.sender = sender;
        this.txnsMax = txnsMax;
        this.bytesMax = bytesMax;
    }

    public void send(int to, PeerMessage message) {
        ZabMessage zab = message instanceof PeerMessage.Zab z ? z.message() : null;
        if (zab instanceof ZabMessage.Proposal proposal && !proposal.txns().isEmpty()) {
            add(to, held(to, proposal.epoch()), proposal);
        } else if (zab instanceof ZabMessage.Commit commit) {
            Held pending = held(to, commit.epoch());
            if (pending.commit == null || commit.zxid() > pending.commit.zxid()) {
                pending.commit = commit;
            }
        } else {
            release(to);
            sender.accept(to, message);
        }
    }

    /** What is held for {@code to} in this epoch; what was held in another is sent first. */
    private Held held(int to, long epoch) {
        Held pending = held.get(to);
        if (pending != null && pending.epoch != epoch) {
            release(to);
            pending = null;
        }
        if (pending == null) {
            pending = new Held(epoch);
            held.put(to, pending);
        }
        return pending;
    }

    /** Adds the proposal's txns; the txns held go first when these do not follow them or would pass a limit. */
    private void add(int to, Held pending, ZabMessage.Proposal proposal) {
        long bytes = 0;
        for (Txn txn : proposal.txns()) {
            bytes += txn.payload().length;
        }
        boolean follows = !pending.txns.isEmpty() && proposal.prevZxid() == pending.lastZxid()
                && pending.txns.size() + proposal.txns().size() <= txnsMax && pending.bytes + bytes <= bytesMax;
        if (!follows) {
            pending.sendTxns(to, sender);
            pending.prevZxid = proposal.prevZxid();
        }
        pending.txns.addAll(proposal.txns());
        pending.bytes += bytes;
    }

    private void release(int to) {
        Held pending = held.remove(to);
        if (pending != null) {
            send(to, pending);
        }
    }

    private void send(int to, Held pending) {
        pending.sendTxns(to, sender);
        if (pending.commit != null) {
            sender.accept(to, new PeerMessage.Zab(pending.commit));
        }
    }

    /** Sends everything held, peer by peer: each peer's txns, then its last commit. */
    public void release() {
        held.forEach(this::send);
        held.clear();
    }
}
