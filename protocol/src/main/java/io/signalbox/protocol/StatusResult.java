package io.signalbox.protocol;

import java.util.List;

/**
 * The members as node {@code nodeId} sees them, and the sync agents' reports, which only the
 * leader keeps; {@code proxiesNote} says why {@code proxies} is empty when no leader could be asked.
 * {@code configurationZxid} is where the configuration in force on that node took effect (0: the
 * bootstrap members), {@code configurationCommitted} false while its entry awaits commit;
 * {@code clusterName} what that node's configuration calls its cluster.
 */
public record StatusResult(long zxid, int nodeId, List<Member> members, List<ProxyStatus> proxies, String proxiesNote,
                           long configurationZxid, boolean configurationCommitted, String clusterName) implements ClientReply {
    public StatusResult {
        members = List.copyOf(members);
        proxies = List.copyOf(proxies);
        proxiesNote = proxiesNote == null ? "" : proxiesNote;
        clusterName = clusterName == null ? "" : clusterName;
    }

    /** The same status with the leader's proxies (or why there are none). */
    public StatusResult withProxies(List<ProxyStatus> leadersProxies, String note) {
        return new StatusResult(zxid, nodeId, members, leadersProxies, note, configurationZxid, configurationCommitted, clusterName);
    }

    /** What node {@code id} is, as this status has it; null when it is not a member. */
    public Member member(int id) {
        return members.stream().filter(m -> m.id() == id).findFirst().orElse(null);
    }

    /** What the answering node says of itself. */
    public Member self() {
        return member(nodeId);
    }
}
