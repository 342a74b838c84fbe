package io.signalbox.protocol;

/**
 * What a client asks a node, one of a closed set. Values arrive as the client gave them:
 * the node validates them and answers with an {@link ErrorReply} naming the bad field.
 */
public sealed interface ClientRequest
        permits CommandRequest, ReadRequest, HistoryRequest, SubscribeRequest, StatusRequest, ProxyReport, AuthRequest,
        MemberChangeRequest {
    /** True for what only the established leader serves: commands, member changes, LINEARIZABLE reads, proxy reports. */
    default boolean forLeader() {
        return this instanceof CommandRequest || this instanceof ProxyReport || this instanceof MemberChangeRequest
                || this instanceof ReadRequest read && read.consistency() == Consistency.LINEARIZABLE;
    }
}
