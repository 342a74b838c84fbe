package io.signalbox.protocol;

/**
 * A member of the cluster. The addresses are always known; the rest only for the node that
 * answered about itself ({@code role} empty and zxids 0 for the others, whose {@code reachable}
 * says whether the answering node has a peer link to them). {@code voting} is {@link #VOTER}
 * or {@link #OBSERVER} in the configuration in force on the answering node.
 */
public record Member(int id, String peerAddress, String clientAddress, String adminAddress, String role, int leaderId, long epoch,
                     long lastZxid, long committedZxid, long appliedZxid, boolean reachable, boolean established, String voting) {
    public static final String VOTER = "voter";
    public static final String OBSERVER = "observer";
    /** The answering node itself, when it is not a member of the configuration in force on it (removed, or not yet synced). */
    public static final String NONE = "none";

    public Member {
        role = role == null ? "" : role;
        voting = voting == null || voting.isEmpty() ? VOTER : voting;
    }

    /** An established leader's own view of itself. */
    public boolean leadsEstablished() {
        return "LEADING".equals(role) && established;
    }
}
