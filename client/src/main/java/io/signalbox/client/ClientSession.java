package io.signalbox.client;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.state.Command;
import java.util.concurrent.TimeUnit;

/**
 * A session kept alive by its client: a keep-alive every third of the timeout, sent to
 * whichever node answers (so a node's failure moves the session to another before it
 * times out). Servers registered with {@link #id()} disappear when the session ends.
 */
public final class ClientSession implements AutoCloseable {
    private final SignalboxClient client;
    private final long id;
    private final int timeoutMs;
    private final ScheduledFuture<?> keepAlive;
    private volatile boolean expired;

    ClientSession(SignalboxClient client, EventLoopGroup group, long id, int timeoutMs) {
        this.client = client;
        this.id = id;
        this.timeoutMs = timeoutMs;
        long periodMs = Math.max(10, timeoutMs / 3);
        this.keepAlive = group.scheduleAtFixedRate(this::sendKeepAlive, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    public long id() {
        return id;
    }

    public int timeoutMs() {
        return timeoutMs;
    }

    /** True once the cluster said the session is gone (it expired while this client was cut off). */
    public boolean expired() {
        return expired;
    }

    private void sendKeepAlive() {
        client.submitAsync(new Command.KeepAlive(id)).whenComplete((response, failure) -> {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
            if (cause instanceof SignalboxException e && e.code() == ErrorCode.INVALID) {
                expired = true; // the cluster no longer knows the session: it expired while we were cut off
                keepAlive.cancel(false);
            }
        });
    }

    /** Ends the session now: its ephemeral servers are removed. */
    @Override
    public void close() {
        keepAlive.cancel(false);
        if (!expired) {
            client.submit(new Command.CloseSession(id));
        }
    }
}
