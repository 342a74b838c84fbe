package io.signalbox.protocol;

/** The committed entries after {@code fromZxid}, at most {@code limit} of them (0: the node's default). */
public record HistoryRequest(long fromZxid, int limit) implements ClientRequest {}
