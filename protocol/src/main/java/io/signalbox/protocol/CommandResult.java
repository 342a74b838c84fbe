package io.signalbox.protocol;

/** A command committed at {@code zxid} (or changed nothing as of it); {@code sessionId} for OpenSession and KeepAlive, else 0. */
public record CommandResult(long zxid, long sessionId) implements ClientReply {}
