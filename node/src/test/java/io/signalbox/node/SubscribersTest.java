package io.signalbox.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.ErrorReply;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.protocol.StreamSnapshot;
import io.signalbox.protocol.SubscribeRequest;
import io.signalbox.state.Command;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stream's rules on one node, driven by hand: order, snapshots for late subscribers, filters, and the buffer limit. */
class SubscribersTest {
    /** A connection, as the host keeps it: takes {@code capacity} stream frames, then drops them (and every later one). */
    private static final class Connection implements Responder {
        final List<Response> frames = new ArrayList<>();
        final List<Response> answers = new ArrayList<>();
        final int capacity;
        boolean dropped;

        Connection(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public void respond(Response response) {
            answers.add(response);
        }

        @Override
        public void stream(Response response) {
            if (dropped || frames.size() >= capacity) {
                dropped = true;
                return;
            }
            frames.add(response);
        }

        @Override
        public long connectionId() {
            return 7;
        }

        long lastWritten() {
            return frames.isEmpty() ? 0 : frames.get(frames.size() - 1).reply().zxid();
        }
    }

    private final LbStateMachine machine = new LbStateMachine(Limits.DEFAULTS, 4);
    private final Subscribers subscribers = new Subscribers(1);
    private long zxid;

    private void apply(Command command) {
        zxid++;
        var events = machine.prepare(command);
        machine.apply(zxid, events);
        subscribers.publish(zxid, events, "ops");
    }

    private void setUp(int servers) {
        apply(new Command.PutService("web", "http", 8080, "roundrobin", null, 1000, 1000, 1000, null));
        apply(new Command.PutService("api", "http", 8081, "roundrobin", null, 1000, 1000, 1000, null));
        for (int i = 0; i < servers; i++) {
            apply(new Command.RegisterServer(i % 2 == 0 ? "web" : "api", "s" + i, "10.0.0." + (i + 1), 80, 1, "ready", false, Map.of(), 0, null));
        }
    }

    @Test
    void aSubscriberWithinHistoryGetsTheBacklogThenNewEntriesInOrder() {
        setUp(2);
        Connection connection = new Connection(100);
        subscribers.subscribe(9, new SubscribeRequest(2, List.of()), connection, machine);
        apply(new Command.SetWeight("web", "s0", 7, null));
        assertEquals(List.of(3L, 4L, 5L), connection.frames.stream().map(f -> f.reply().zxid()).toList());
        assertTrue(connection.frames.stream().allMatch(f -> f.requestId() == 9 && f.reply() instanceof StreamEntry));
    }

    @Test
    void aSubscriberOlderThanRetainedHistoryGetsASnapshotFirst() {
        setUp(12);
        for (int i = 0; i < 60; i++) {
            apply(new Command.SetWeight("web", "s0", 1 + i, null)); // history folds older entries away
        }
        Connection connection = new Connection(100);
        subscribers.subscribe(1, new SubscribeRequest(0, List.of()), connection, machine);
        apply(new Command.SetWeight("web", "s0", 7, null));
        Response first = connection.frames.get(0);
        assertTrue(first.reply() instanceof StreamSnapshot, first.toString());
        assertEquals(zxid - 1, first.reply().zxid());
        assertEquals(12, ((StreamSnapshot) first.reply()).configuration().servers().values().stream().mapToInt(List::size).sum());
        assertEquals(List.of(zxid), connection.frames.subList(1, connection.frames.size()).stream().map(f -> f.reply().zxid()).toList());
    }

    @Test
    void aServiceFilterLeavesOutOtherServicesEventsButStillMarksProgress() {
        setUp(0);
        Connection connection = new Connection(100);
        subscribers.subscribe(1, new SubscribeRequest(zxid, List.of("api")), connection, machine);
        apply(new Command.RegisterServer("web", "w", "10.0.0.1", 80, 1, "ready", false, Map.of(), 0, null));
        long webZxid = zxid;
        apply(new Command.RegisterServer("api", "a", "10.0.0.2", 80, 1, "ready", false, Map.of(), 0, null));
        assertEquals(List.of(webZxid, zxid), connection.frames.stream().map(f -> f.reply().zxid()).toList());
        assertEquals(0, ((StreamEntry) connection.frames.get(0).reply()).events().size(), "web's entry is a progress marker only");
        assertEquals(1, ((StreamEntry) connection.frames.get(1).reply()).events().size());
    }

    @Test
    void aSubscriberThatCannotKeepUpIsEndedWithTheZxidToResumeFrom() {
        setUp(0);
        Connection slow = new Connection(2);
        subscribers.subscribe(5, new SubscribeRequest(zxid, List.of()), slow, machine);
        long resumeFrom = zxid + 2;
        for (int i = 0; i < 4; i++) {
            apply(new Command.RegisterServer("web", "s" + i, "10.0.0." + (i + 1), 80, 1, "ready", false, Map.of(), 0, null));
        }
        assertEquals(2, slow.frames.size());
        assertTrue(slow.dropped);
        assertEquals(0, slow.answers.size(), "the stream ends when the host says it dropped a frame");
        subscribers.overflowed(slow.connectionId(), 5, slow.lastWritten());
        assertEquals(1, slow.answers.size());
        Response end = slow.answers.get(0);
        assertEquals(ErrorCode.STREAM_ENDED, ((ErrorReply) end.reply()).code());
        assertEquals(resumeFrom, ((ErrorReply) end.reply()).resumeZxid());
        assertTrue(((ErrorReply) end.reply()).message().contains("resubscribe from zxid"), ((ErrorReply) end.reply()).message());
        assertEquals(0, subscribers.count(), "an ended subscriber gets nothing more");
    }
}
