package io.signalbox.server.net;

import io.netty.channel.Channel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Channels written to (without flushing) during one round of the node loop; the round's end
 * flushes each once, so a burst of messages costs one system call per connection, not one
 * per message.
 */
public final class PendingFlushes {
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();

    public void wrote(Channel channel) {
        channels.add(channel);
    }

    public void flushAll() {
        if (channels.isEmpty()) {
            return;
        }
        for (Channel channel : channels) {
            channels.remove(channel);
            channel.flush();
        }
    }
}
