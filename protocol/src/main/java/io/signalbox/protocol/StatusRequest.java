package io.signalbox.protocol;

/** The members as the node asked sees them; {@code proxiesOnly}: a follower asking its leader for the proxy reports. */
public record StatusRequest(boolean proxiesOnly) implements ClientRequest {}
