package io.signalbox.protocol;

/** The leader kept a proxy report; {@code zxid} is what it had applied. */
public record ReportAccepted(long zxid) implements ClientReply {}
