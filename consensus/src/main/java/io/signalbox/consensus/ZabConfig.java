package io.signalbox.consensus;

import io.signalbox.common.Zxid;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything that shapes one node's core: who votes, timeouts in ticks, and the
 * limits on every queue and batch (units last in names). Timeouts are tick counts,
 * never wall-clock durations: the runtime decides how long a tick is.
 *
 * @param selfId                     this node's id: one of {@code voters}, or, for a node joining as an
 *                                   observer, none of them (it starts as the only observer)
 * @param voters                     the ids of the voting members the node starts with (3 to 7: a new
 *                                   cluster has 3, 5 or 7; a node joining one between two changes, 4 or 6);
 *                                   its history's configuration entries take over from there
 * @param electionRetryTicks         a LOOKING node re-sends its vote this often (plus jitter)
 * @param electionJitterTicksMax     upper bound of the seeded random jitter added to election retries
 * @param finalizeWaitTicks          how long a quorum-agreed vote waits for a better one (FLE finalizeWait)
 * @param heartbeatTicks             the leader pings its followers this often
 * @param followerTimeoutTicks       a follower that hears nothing from its leader this long re-elects (syncLimit)
 * @param leaderQuorumTimeoutTicks   a leader that has not heard a quorum this long steps down
 * @param establishTimeoutTicks      discovery plus synchronization must finish within this (initLimit)
 * @param discoveryRetryTicks        a follower re-sends FOLLOWERINFO this often until LEADERINFO arrives
 * @param retransmitTicks            a leader re-sends proposals to a follower whose acks stopped advancing
 * @param proposalsInflightMax       proposals appended but not yet committed, at most
 * @param proposalTxnsMax            txns in one PROPOSAL message, at most
 * @param syncBatchBytesMax          payload bytes in one sync or retransmit message, at most
 * @param txnPayloadBytesMax         bytes in one txn, at most
 * @param zxidCounterMax             the last counter a leader may assign before it forces a new epoch
 */
public record ZabConfig(
        int selfId,
        List<Integer> voters,
        int electionRetryTicks,
        int electionJitterTicksMax,
        int finalizeWaitTicks,
        int heartbeatTicks,
        int followerTimeoutTicks,
        int leaderQuorumTimeoutTicks,
        int establishTimeoutTicks,
        int discoveryRetryTicks,
        int retransmitTicks,
        int proposalsInflightMax,
        int proposalTxnsMax,
        int syncBatchBytesMax,
        int txnPayloadBytesMax,
        long zxidCounterMax) {

    public static final int VOTERS_MAX = 7;

    public ZabConfig {
        voters = List.copyOf(new TreeSet<>(voters));
        if (!(voters.size() >= 3 && voters.size() <= VOTERS_MAX)) {
            throw Checks.badArgument("voters must number 3 to %d, got %d: %s", VOTERS_MAX, voters.size(), voters);
        }
        if (!(selfId > 0)) {
            throw Checks.badArgument("selfId must be positive, got %d", selfId);
        }
        if (!(voters.stream().allMatch(id -> id > 0))) {
            throw Checks.badArgument("voter ids must be positive: %s", voters);
        }
        positive("electionRetryTicks", electionRetryTicks);
        if (!(electionJitterTicksMax >= 0)) {
            throw Checks.badArgument("electionJitterTicksMax must be >= 0, got %d", electionJitterTicksMax);
        }
        positive("finalizeWaitTicks", finalizeWaitTicks);
        positive("heartbeatTicks", heartbeatTicks);
        if (!(followerTimeoutTicks > 2 * heartbeatTicks)) {
            throw Checks.badArgument("followerTimeoutTicks (%d) must exceed two heartbeats (%d)", followerTimeoutTicks, 2 * heartbeatTicks);
        }
        if (!(leaderQuorumTimeoutTicks > 2 * heartbeatTicks)) {
            throw Checks.badArgument("leaderQuorumTimeoutTicks (%d) must exceed two heartbeats (%d)", leaderQuorumTimeoutTicks, 2 * heartbeatTicks);
        }
        positive("establishTimeoutTicks", establishTimeoutTicks);
        positive("discoveryRetryTicks", discoveryRetryTicks);
        positive("retransmitTicks", retransmitTicks);
        positive("proposalsInflightMax", proposalsInflightMax);
        positive("proposalTxnsMax", proposalTxnsMax);
        if (!(syncBatchBytesMax >= txnPayloadBytesMax)) {
            throw Checks.badArgument("syncBatchBytesMax (%d) must hold at least one txn of txnPayloadBytesMax (%d)", syncBatchBytesMax, txnPayloadBytesMax);
        }
        positive("txnPayloadBytesMax", txnPayloadBytesMax);
        if (!(zxidCounterMax >= 2 && zxidCounterMax <= Zxid.COUNTER_MAX)) {
            throw Checks.badArgument("zxidCounterMax must be in 2..%d, got %d", Zxid.COUNTER_MAX, zxidCounterMax);
        }
    }

    /** Defaults for a 50 ms tick: ping every 100 ms, a follower gives up after 1 s, election retries every 500 ms. */
    public static ZabConfig defaults(int selfId, List<Integer> voters) {
        return new ZabConfig(selfId, voters, 10, 5, 4, 2, 20, 20, 60, 5, 6,
                1_000, 64, 1 << 20, 1 << 20, Zxid.COUNTER_MAX);
    }

    public int quorumSize() {
        return Quorum.majority(voters.size());
    }

    public ZabConfig withZxidCounterMax(long counterMax) {
        return new ZabConfig(selfId, voters, electionRetryTicks, electionJitterTicksMax, finalizeWaitTicks,
                heartbeatTicks, followerTimeoutTicks, leaderQuorumTimeoutTicks, establishTimeoutTicks,
                discoveryRetryTicks, retransmitTicks, proposalsInflightMax, proposalTxnsMax, syncBatchBytesMax,
                txnPayloadBytesMax, counterMax);
    }

    public ZabConfig withProposalsInflightMax(int max) {
        return new ZabConfig(selfId, voters, electionRetryTicks, electionJitterTicksMax, finalizeWaitTicks,
                heartbeatTicks, followerTimeoutTicks, leaderQuorumTimeoutTicks, establishTimeoutTicks,
                discoveryRetryTicks, retransmitTicks, max, proposalTxnsMax, syncBatchBytesMax,
                txnPayloadBytesMax, zxidCounterMax);
    }

    public ZabConfig withSelfId(int id) {
        return new ZabConfig(id, voters, electionRetryTicks, electionJitterTicksMax, finalizeWaitTicks,
                heartbeatTicks, followerTimeoutTicks, leaderQuorumTimeoutTicks, establishTimeoutTicks,
                discoveryRetryTicks, retransmitTicks, proposalsInflightMax, proposalTxnsMax, syncBatchBytesMax,
                txnPayloadBytesMax, zxidCounterMax);
    }

    public Set<Integer> peers() {
        TreeSet<Integer> peers = new TreeSet<>(voters);
        peers.remove(selfId);
        return peers;
    }

    private static void positive(String name, long value) {
        if (!(value > 0)) {
            throw Checks.badArgument("%s must be > 0, got %d", name, value);
        }
    }
}
