package io.signalbox.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.HostPort;
import io.signalbox.protocol.Request;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.protocol.StatusRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The connection's bookkeeping over an in-memory channel: no socket, time moved by hand. */
class WireConnectionTest {
    private static final HostPort NODE = new HostPort("127.0.0.1", 7101);

    private static Request sent(EmbeddedChannel channel) {
        ByteBuf bytes = channel.readOutbound();
        try {
            return ClientWire.decodeRequest(ByteBufUtil.getBytes(bytes));
        } finally {
            bytes.release();
        }
    }

    @Test
    void anAnsweredCallLeavesNoTimerHoldingItsAnswer() {
        EmbeddedChannel channel = new EmbeddedChannel();
        WireConnection connection = new WireConnection(NODE, channel, 10);
        CompletableFuture<Response> call = connection.call(new StatusRequest(false), 30_000);
        Request request = sent(channel);
        connection.onFrame(Unpooled.wrappedBuffer(ClientWire.encode(new Response(request.requestId(), new CommandResult(7, 0)))));
        assertEquals(7, call.join().reply().zxid());
        // A timer left to expire would keep the answer reachable for the whole 30 s.
        assertEquals(-1, channel.runScheduledPendingTasks(), "a timeout task is still scheduled");
    }

    @Test
    void aCallWithoutAnAnswerStillTimesOutNamingTheNode() {
        EmbeddedChannel channel = new EmbeddedChannel();
        WireConnection connection = new WireConnection(NODE, channel, 10);
        CompletableFuture<Response> call = connection.call(new StatusRequest(false), 2_000);
        sent(channel);
        channel.advanceTimeBy(1_999, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(call.isDone());
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        CompletionException failed = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, call::join);
        SignalboxException timeout = (SignalboxException) failed.getCause();
        assertEquals(ErrorCode.TIMEOUT, timeout.code());
        assertTrue(timeout.getMessage().contains("127.0.0.1:7101") && timeout.getMessage().contains("2000 ms"), timeout.getMessage());
    }
}
