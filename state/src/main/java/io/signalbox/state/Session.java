package io.signalbox.state;

/** A client session; servers registered under it are ephemeral. The leader decides expiry from ticks. */
public record Session(long id, int timeoutMs, long version) {}
