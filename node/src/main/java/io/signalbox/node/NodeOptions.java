package io.signalbox.node;

import java.util.List;

/**
 * How a node runs: who the members are, how long a tick is and the limits that follow from it.
 *
 * @param tickMs                     the host ticks the node this often; every timeout is counted in ticks
 * @param requestTimeoutTicks        a request not answered in this many ticks gets TIMEOUT (a command's outcome is then unknown)
 * @param unsafeLinearizableReads    TEST ONLY: LINEARIZABLE reads without the quorum round (ZOOKEEPER-1675), for the chaos
 *                                   harness and the simulator's bug switch
 * @param unsafeRefusals             SIMULATOR ONLY: refusals and no-op answers without the quorum round (a bug the chaos harness found)
 * @param access                     the configured admins and whether anonymous connections may act
 * @param clusterName                what the status says this cluster is called (a joining node checks it)
 */
public record NodeOptions(int id, List<Member> members, int tickMs, int requestTimeoutTicks, int snapshotEveryEntries,
                          int historyEntriesMax, boolean unsafeLinearizableReads, boolean unsafeRefusals, Access access,
                          String clusterName) {
    /** The name a cluster has when its configuration gives none. */
    public static final String CLUSTER_NAME_DEFAULT = "signalbox";

    /** A member's addresses as clients and operators know them, shown in the status. */
    public record Member(int id, String peerAddress, String clientAddress, String adminAddress) {}

    public NodeOptions {
        members = List.copyOf(members);
        java.util.Objects.requireNonNull(access, "access");
        java.util.Objects.requireNonNull(clusterName, "clusterName");
        if (members.stream().noneMatch(m -> m.id() == id)) {
            throw new IllegalArgumentException("node " + id + " is not one of the members " + members.stream().map(Member::id).toList());
        }
        if (tickMs < 1 || requestTimeoutTicks < 1 || snapshotEveryEntries < 1 || historyEntriesMax < 2) {
            throw new IllegalArgumentException("tickMs, requestTimeoutTicks and snapshotEveryEntries must be >= 1 and historyEntriesMax >= 2; got "
                    + tickMs + ", " + requestTimeoutTicks + ", " + snapshotEveryEntries + ", " + historyEntriesMax);
        }
    }

    /** Named {@link #CLUSTER_NAME_DEFAULT}. */
    public NodeOptions(int id, List<Member> members, int tickMs, int requestTimeoutTicks, int snapshotEveryEntries,
                       int historyEntriesMax, boolean unsafeLinearizableReads, boolean unsafeRefusals, Access access) {
        this(id, members, tickMs, requestTimeoutTicks, snapshotEveryEntries, historyEntriesMax, unsafeLinearizableReads, unsafeRefusals,
                access, CLUSTER_NAME_DEFAULT);
    }

    /** With {@link Access#OPEN}: every identity is admin (the simulator, tests, loopback demos). */
    public NodeOptions(int id, List<Member> members, int tickMs, int requestTimeoutTicks, int snapshotEveryEntries,
                       int historyEntriesMax, boolean unsafeLinearizableReads, boolean unsafeRefusals) {
        this(id, members, tickMs, requestTimeoutTicks, snapshotEveryEntries, historyEntriesMax, unsafeLinearizableReads, unsafeRefusals,
                Access.OPEN);
    }

    public List<Integer> voterIds() {
        return members.stream().map(Member::id).toList();
    }
}
