package io.signalbox.protocol;

/**
 * A change of the cluster's members, served by the established leader and answered with a
 * {@link CommandResult} once the configuration entry committed. Values arrive as the client
 * gave them; the leader checks them and answers INVALID naming the member and the reason.
 *
 * @param change        {@link #ADD} (a voter, with its addresses) or {@link #REMOVE}
 * @param id            the member
 * @param peerAddress   host:port of its peer port (add only)
 * @param clientAddress host:port of its client port (add only)
 * @param adminAddress  host:port of its status page (add only)
 */
public record MemberChangeRequest(String change, int id, String peerAddress, String clientAddress, String adminAddress)
        implements ClientRequest {
    public static final String ADD = "add";
    public static final String REMOVE = "remove";

    public MemberChangeRequest {
        change = change == null ? "" : change;
        peerAddress = peerAddress == null ? "" : peerAddress;
        clientAddress = clientAddress == null ? "" : clientAddress;
        adminAddress = adminAddress == null ? "" : adminAddress;
    }

    public static MemberChangeRequest add(int id, String peerAddress, String clientAddress, String adminAddress) {
        return new MemberChangeRequest(ADD, id, peerAddress, clientAddress, adminAddress);
    }

    public static MemberChangeRequest remove(int id) {
        return new MemberChangeRequest(REMOVE, id, "", "", "");
    }

    @Override
    public String toString() {
        return change + " member " + id + (ADD.equals(change) ? " (peer " + peerAddress + ", client " + clientAddress + ")" : "");
    }
}
