package io.signalbox.protocol;

/**
 * A member of the cluster. The addresses are always known; the rest only for the node that
 * answered about itself ({@code role} empty and zxids 0 for the others, whose {@code reachable}
 * says whether the answering node has a peer link to them).
 */
public record Member(int id, String peerAddress, String clientAddress, String adminAddress, String role, int leaderId, long epoch,
                     long lastZxid, long committedZxid, long appliedZxid, boolean reachable, boolean established) {
    public Member {
        role = role == null ? "" : role;
    }

    /** An established leader's own view of itself. */
    public boolean leadsEstablished() {
        return "LEADING".equals(role) && established;
    }
}
