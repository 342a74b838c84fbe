package io.signalbox.consensus;

import io.signalbox.common.Zxid;

/**
 * A read-only summary of one core, for status pages, metrics, tests and the simulator's checks.
 *
 * @param commitZxid the highest zxid this node knows committed (for a leader: its commit point)
 */
public record NodeView(
        int id,
        Role role,
        int leaderId,
        boolean established,
        long acceptedEpoch,
        long currentEpoch,
        long lastZxid,
        long lastPersistedZxid,
        long lastDeliveredZxid,
        long snapshotZxid,
        long electionRound) {

    @Override
    public String toString() {
        return "node " + id + " " + role + (established ? "*" : "") + " leader=" + leaderId
                + " epochs=" + acceptedEpoch + "/" + currentEpoch + " last=" + Zxid.format(lastZxid)
                + " durable=" + Zxid.format(lastPersistedZxid) + " delivered=" + Zxid.format(lastDeliveredZxid)
                + " snap=" + Zxid.format(snapshotZxid);
    }
}
