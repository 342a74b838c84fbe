package io.signalbox.simulation;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Membership;
import io.signalbox.consensus.NodeView;
import io.signalbox.consensus.Txn;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The ZAB invariants of zab-notes.md, checked across all nodes as events happen.
 * It keeps one canonical delivery order (the first node to deliver a position fixes
 * it) with the state digest after each position; every node must walk the same order.
 */
final class SafetyChecker {
    private final LongMap<byte[]> proposed = new LongMap<>();
    /** Committed zxids in delivery order, strictly increasing, with the state digest after each. */
    private long[] canonicalZxids = new long[1024];
    private long[] canonicalDigests = new long[1024];
    private int canonicalSize;
    private final int[] position;
    /**
     * Zxids clients were told are committed, sorted. Mostly appended in order, but a deposed
     * leader may still commit an old txn on acks that were late in the network.
     */
    private long[] acknowledged = new long[1024];
    private int acknowledgedSize;
    private final Map<Long, Integer> establishedLeaderOfEpoch = new HashMap<>();
    private final Map<Long, Boolean> epochHasProposed = new HashMap<>();

    /** Who may witness a commit: set by the runs whose disks the checker may look at; null skips invariant 10. */
    private CommitWitnesses witnesses;

    /** What invariant 10 needs of the run: the configuration a node counts with, and what its disk holds. */
    interface CommitWitnesses {
        /** The configuration in force on {@code node} now (the one its commit point counted with). */
        Membership countedWith(int node);

        /** True when {@code node}'s disk holds {@code zxid} durably (in its log or under its snapshot). */
        boolean holdsDurably(int node, long zxid);
    }

    SafetyChecker(int nodes) {
        this.position = new int[nodes + 1];
    }

    SafetyChecker withCommitWitnesses(CommitWitnesses commitWitnesses) {
        this.witnesses = commitWitnesses;
        return this;
    }

    /** Invariant 1 (integrity, one zxid one txn): a leader proposed {@code payload} at {@code zxid}. */
    void onProposed(int node, long zxid, byte[] payload, long leaderDeliveredZxid) {
        byte[] earlier = proposed.putIfAbsent(zxid, payload);
        if (earlier != null && !Arrays.equals(earlier, payload)) {
            throw new Violation("integrity", "zxid " + Zxid.format(zxid) + " was proposed twice with different txns"
                    + " (second time by node " + node + "): an epoch was reused");
        }
        long epoch = Zxid.epoch(zxid);
        if (epochHasProposed.putIfAbsent(epoch, Boolean.TRUE) == null) {
            // Invariant 6, primary integrity: the first proposal of an epoch comes after delivering all earlier commits.
            long earlierCommitted = lastCanonicalBefore(Zxid.of(epoch, 0));
            if (leaderDeliveredZxid < earlierCommitted) {
                throw new Violation("primary-integrity", "leader " + node + " proposes in epoch " + epoch
                        + " having delivered only up to " + Zxid.format(leaderDeliveredZxid)
                        + " while " + Zxid.format(earlierCommitted) + " is committed");
            }
        }
    }

    /** Invariants 1-5 and 9 on one delivery; {@code digestAfter} is the node's state digest after applying it. */
    void onDelivered(int node, Txn txn, long digestAfter) {
        byte[] original = proposed.get(txn.zxid());
        if (original == null || !Arrays.equals(original, txn.payload())) {
            throw new Violation("integrity", "node " + node + " delivered " + txn + " which no leader proposed with those bytes");
        }
        int at = position[node];
        if (at < canonicalSize) {
            if (canonicalZxids[at] != txn.zxid()) {
                throw new Violation("agreement", "node " + node + " delivered " + Zxid.format(txn.zxid()) + " at position "
                        + at + " where others delivered " + Zxid.format(canonicalZxids[at])
                        + (at > 0 ? " (after " + Zxid.format(canonicalZxids[at - 1]) + ")" : ""));
            }
            if (canonicalDigests[at] != digestAfter) {
                throw new Violation("state-digest", "node " + node + " has another configuration digest after "
                        + Zxid.format(txn.zxid()) + " than the first replica that applied it");
            }
        } else {
            long previous = canonicalSize == 0 ? Zxid.ZERO : canonicalZxids[canonicalSize - 1];
            if (txn.zxid() <= previous) {
                throw new Violation("global-primary-order", "delivered " + Zxid.format(txn.zxid()) + " after " + Zxid.format(previous));
            }
            boolean sameEpoch = Zxid.epoch(txn.zxid()) == Zxid.epoch(previous);
            long expectedCounter = sameEpoch ? Zxid.counter(previous) + 1 : 1;
            if (Zxid.counter(txn.zxid()) != expectedCounter) {
                throw new Violation("local-primary-order", "node " + node + " delivered " + Zxid.format(txn.zxid())
                        + " right after " + Zxid.format(previous) + ": a gap within the epoch");
            }
            checkCommitQuorum(node, txn.zxid());
            appendCanonical(txn.zxid(), digestAfter);
        }
        position[node] = at + 1;
    }

    /**
     * Invariant 10: the first delivery of a zxid is its commit, on the leader that counted it;
     * by then the disks of a majority of the voters it counted with must hold it. (Not a
     * majority of the configuration at the zxid: after a change a correct leader may count
     * the next configuration, whose quorums meet the previous one's; see docs/consensus.md.)
     */
    private void checkCommitQuorum(int node, long zxid) {
        if (witnesses == null) {
            return;
        }
        Membership counted = witnesses.countedWith(node);
        java.util.List<Integer> holding = new java.util.ArrayList<>();
        for (int voter : counted.voters()) {
            if (witnesses.holdsDurably(voter, zxid)) {
                holding.add(voter);
            }
        }
        if (!counted.isQuorum(holding)) {
            throw new Violation("commit-quorum", "node " + node + " committed " + Zxid.format(zxid) + " counting "
                    + counted + " while only " + holding + " hold it durably");
        }
    }

    /** A node's state was reset to a snapshot (restart or SNAP): it must be a committed state. */
    void onStateReset(int node, long snapshotZxid, long digest) {
        if (snapshotZxid == Zxid.ZERO) {
            position[node] = 0;
            return;
        }
        int index = Arrays.binarySearch(canonicalZxids, 0, canonicalSize, snapshotZxid);
        if (index < 0) {
            throw new Violation("agreement", "node " + node + " holds a snapshot at " + Zxid.format(snapshotZxid)
                    + " which is not a committed position");
        }
        if (canonicalDigests[index] != digest) {
            throw new Violation("state-digest", "node " + node + "'s snapshot at " + Zxid.format(snapshotZxid)
                    + " differs from the committed configuration there");
        }
        position[node] = index + 1;
    }

    /** The client that proposed {@code zxid} was told it is committed. */
    void onAcknowledged(long zxid) {
        if (acknowledgedSize == acknowledged.length) {
            acknowledged = Arrays.copyOf(acknowledged, acknowledgedSize * 2);
        }
        int at = Arrays.binarySearch(acknowledged, 0, acknowledgedSize, zxid);
        if (at >= 0) {
            throw new Violation("integrity", "zxid " + Zxid.format(zxid) + " acknowledged to clients twice");
        }
        at = -at - 1;
        System.arraycopy(acknowledged, at, acknowledged, at + 1, acknowledgedSize - at);
        acknowledged[at] = zxid;
        acknowledgedSize++;
    }

    int acknowledgedCount() {
        return acknowledgedSize;
    }

    /** Invariants 7 and 8 when a leader becomes established. */
    void onEstablished(int node, long epoch, NodeView view, java.util.function.LongPredicate historyCovers) {
        Integer other = establishedLeaderOfEpoch.putIfAbsent(epoch, node);
        if (other != null && other != node) {
            throw new Violation("one-leader-per-epoch", "nodes " + other + " and " + node + " both established as leader of epoch " + epoch);
        }
        // What a snapshot covers was verified when the snapshot was taken or installed.
        int first = Arrays.binarySearch(acknowledged, 0, acknowledgedSize, view.snapshotZxid());
        first = first >= 0 ? first + 1 : -first - 1;
        for (int i = first; i < acknowledgedSize; i++) {
            long zxid = acknowledged[i];
            if (!historyCovers.test(zxid)) {
                throw new Violation("committed-is-forever", "leader " + node + " of epoch " + epoch + " lacks "
                        + Zxid.format(zxid) + ", which a client was told is committed (its history: " + view + ")");
            }
        }
    }

    long commits() {
        return canonicalSize;
    }

    /** At the end of a run: every zxid a client was told is committed is in the log the replicas delivered. */
    void checkAcknowledgedAreCommitted() {
        for (int i = 0; i < acknowledgedSize; i++) {
            if (Arrays.binarySearch(canonicalZxids, 0, canonicalSize, acknowledged[i]) < 0) {
                throw new Violation("acknowledged-writes", "a client was told " + Zxid.format(acknowledged[i])
                        + " is committed, and no replica delivered it (" + canonicalSize + " entries delivered)");
            }
        }
    }

    /** The committed zxid right after {@code zxid} (ZERO: the first), or -1 when none is known yet: what a stream sends next. */
    long committedAfter(long zxid) {
        int at = zxid == Zxid.ZERO ? -1 : Arrays.binarySearch(canonicalZxids, 0, canonicalSize, zxid);
        if (zxid != Zxid.ZERO && at < 0) {
            return -2; // not a committed zxid at all
        }
        return at + 1 < canonicalSize ? canonicalZxids[at + 1] : -1;
    }

    private long lastCanonicalBefore(long zxid) {
        for (int i = canonicalSize - 1; i >= 0; i--) {
            if (canonicalZxids[i] < zxid) {
                return canonicalZxids[i];
            }
        }
        return Zxid.ZERO;
    }

    private void appendCanonical(long zxid, long digest) {
        if (canonicalSize == canonicalZxids.length) {
            canonicalZxids = Arrays.copyOf(canonicalZxids, canonicalSize * 2);
            canonicalDigests = Arrays.copyOf(canonicalDigests, canonicalSize * 2);
        }
        canonicalZxids[canonicalSize] = zxid;
        canonicalDigests[canonicalSize] = digest;
        canonicalSize++;
    }
}
