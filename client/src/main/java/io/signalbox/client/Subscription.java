package io.signalbox.client;

import io.netty.channel.EventLoopGroup;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.protocol.StreamSnapshot;
import io.signalbox.protocol.SubscribeRequest;
import io.signalbox.protocol.wire.WireConnection;
import io.signalbox.state.Configuration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A resumable event stream. The listener sees, in zxid order and without gaps or
 * repeats, the entries after the starting zxid (first a snapshot when that zxid is older
 * than the node's retained history). When the connection fails or the node ends the
 * stream, it resubscribes from the last zxid delivered, on whichever node answers.
 * Listener calls come from one client thread, one at a time.
 */
public final class Subscription implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);

    /** What a subscriber receives. */
    public interface Listener {
        /** The configuration as of {@code zxid}; entries after it follow. */
        void onSnapshot(long zxid, Configuration configuration);

        void onEntry(StreamEntry entry);

        /** The stream broke and will resume by itself; for logs and tests. */
        default void onInterrupted(Throwable cause) {}
    }

    private final SignalboxClient client;
    private final EventLoopGroup group;
    private final List<String> services;
    private final Listener listener;
    private volatile long lastZxid;
    private volatile boolean closed;
    private volatile WireConnection current;
    private int failures;

    Subscription(SignalboxClient client, EventLoopGroup group, long fromZxid, List<String> services, Listener listener) {
        this.client = client;
        this.group = group;
        this.lastZxid = fromZxid;
        this.services = List.copyOf(services);
        this.listener = listener;
        start();
    }

    /** The zxid of the last entry (or snapshot) delivered to the listener. */
    public long lastZxid() {
        return lastZxid;
    }

    private void start() {
        if (closed) {
            return;
        }
        client.connectionAsync().whenComplete((connection, failure) -> {
            if (failure != null) {
                retryLater(failure);
                return;
            }
            current = connection;
            connection.stream(new SubscribeRequest(lastZxid, services), this::onFrame, this::retryLater);
        });
    }

    private void onFrame(Response response) {
        if (closed) {
            return;
        }
        failures = 0;
        if (response.reply() instanceof StreamSnapshot snapshot) {
            if (snapshot.zxid() >= lastZxid) {
                lastZxid = snapshot.zxid();
                listener.onSnapshot(snapshot.zxid(), snapshot.configuration());
            }
        } else if (response.reply() instanceof StreamEntry entry) {
            if (entry.zxid() > lastZxid) {
                lastZxid = entry.zxid();
                client.observe(lastZxid);
                listener.onEntry(entry);
            }
        }
    }

    private void retryLater(Throwable cause) {
        if (closed) {
            return;
        }
        listener.onInterrupted(cause);
        if (cause instanceof SignalboxException e && e.code() == ErrorCode.STREAM_ENDED) {
            LOG.info("subscription ended by the node ({}); resubscribing from {}", e.getMessage(), Long.toHexString(lastZxid));
        }
        long delayMs = Math.min(1_000, 20L << Math.min(failures++, 6));
        group.schedule(this::start, delayMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
        WireConnection connection = current;
        if (connection != null) {
            // The node ends a stream when its connection closes; other requests on it retry elsewhere.
            connection.close();
        }
    }
}
