package io.signalbox.protocol;

/**
 * A change of the cluster's members, served by the established leader and answered with a
 * {@link CommandResult} once the configuration entry committed. Values arrive as the client
 * gave them; the leader checks them and answers INVALID naming the member and the reason.
 *
 * @param change        {@link #ADD} (a voter, with its addresses), {@link #ADD_OBSERVER} (the same, as
 *                      an observer), {@link #REMOVE} (a voter or an observer) or {@link #PROMOTE} (an
 *                      observer becomes a voter; refused while it lags the leader)
 * @param id            the member
 * @param peerAddress   host:port of its peer port (adds only)
 * @param clientAddress host:port of its client port (adds only)
 * @param adminAddress  host:port of its status page (adds only)
 */
public record MemberChangeRequest(String change, int id, String peerAddress, String clientAddress, String adminAddress)
        implements ClientRequest {
    public static final String ADD = "add";
    public static final String ADD_OBSERVER = "add-observer";
    public static final String REMOVE = "remove";
    public static final String PROMOTE = "promote";
    /** Every change, as the error for another one lists them. */
    public static final java.util.List<String> CHANGES = java.util.List.of(ADD, ADD_OBSERVER, REMOVE, PROMOTE);

    public MemberChangeRequest {
        change = change == null ? "" : change;
        peerAddress = peerAddress == null ? "" : peerAddress;
        clientAddress = clientAddress == null ? "" : clientAddress;
        adminAddress = adminAddress == null ? "" : adminAddress;
    }

    public static MemberChangeRequest add(int id, String peerAddress, String clientAddress, String adminAddress) {
        return new MemberChangeRequest(ADD, id, peerAddress, clientAddress, adminAddress);
    }

    public static MemberChangeRequest addObserver(int id, String peerAddress, String clientAddress, String adminAddress) {
        return new MemberChangeRequest(ADD_OBSERVER, id, peerAddress, clientAddress, adminAddress);
    }

    public static MemberChangeRequest remove(int id) {
        return new MemberChangeRequest(REMOVE, id, "", "", "");
    }

    public static MemberChangeRequest promote(int id) {
        return new MemberChangeRequest(PROMOTE, id, "", "", "");
    }

    /** An add, as a voter or as an observer: the changes that carry addresses. */
    public boolean adds() {
        return ADD.equals(change) || ADD_OBSERVER.equals(change);
    }

    @Override
    public String toString() {
        return change + " member " + id + (adds() ? " (peer " + peerAddress + ", client " + clientAddress + ")" : "");
    }
}
