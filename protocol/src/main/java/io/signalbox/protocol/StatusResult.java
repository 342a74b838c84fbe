package io.signalbox.protocol;

import java.util.List;

/**
 * The members as node {@code nodeId} sees them, and the sync agents' reports, which only the
 * leader keeps; {@code proxiesNote} says why {@code proxies} is empty when no leader could be asked.
 */
public record StatusResult(long zxid, int nodeId, List<Member> members, List<ProxyStatus> proxies, String proxiesNote)
        implements ClientReply {
    public StatusResult {
        members = List.copyOf(members);
        proxies = List.copyOf(proxies);
        proxiesNote = proxiesNote == null ? "" : proxiesNote;
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
