package io.signalbox.server.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.proto.client.ErrorCode;
import io.signalbox.proto.client.Response;
import io.signalbox.proto.client.SubscribeRequest;
import io.signalbox.state.Command;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stream's rules on one node, driven by hand: order, snapshots for late subscribers, filters, and the buffer limit. */
class SubscribersTest {
    /** A connection that takes {@code capacity} stream frames and then reports itself full. */
    private static final class Connection implements Responder {
        final List<Response> frames = new ArrayList<>();
        final List<Response> answers = new ArrayList<>();
        int capacity;

        Connection(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public void respond(Response response) {
            answers.add(response);
        }

        @Override
        public boolean stream(Response response) {
            if (frames.size() >= capacity) {
                return false;
            }
            frames.add(response);
            return true;
        }

        @Override
        public boolean open() {
            return true;
        }
    }

    private final LbStateMachine machine = new LbStateMachine(Limits.DEFAULTS, 4);
    private final Subscribers subscribers = new Subscribers(1);
    private long zxid;

    private void apply(Command command) {
        zxid++;
        var events = machine.prepare(command);
        machine.apply(zxid, events);
        subscribers.publish(zxid, events);
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
        subscribers.subscribe(9, SubscribeRequest.newBuilder().setFromZxid(2).build(), connection, machine);
        apply(new Command.SetWeight("web", "s0", 7, null));
        assertEquals(List.of(3L, 4L, 5L), connection.frames.stream().map(Response::getZxid).toList());
        assertTrue(connection.frames.stream().allMatch(f -> f.getRequestId() == 9 && f.hasEntry()));
    }

    @Test
    void aSubscriberOlderThanRetainedHistoryGetsASnapshotFirst() {
        setUp(12);
        for (int i = 0; i < 60; i++) {
            apply(new Command.SetWeight("web", "s0", 1 + i, null)); // history folds older entries away
        }
        Connection connection = new Connection(100);
        subscribers.subscribe(1, SubscribeRequest.newBuilder().setFromZxid(0).build(), connection, machine);
        apply(new Command.SetWeight("web", "s0", 7, null));
        Response first = connection.frames.get(0);
        assertTrue(first.hasSnapshot(), first.toString());
        assertEquals(zxid - 1, first.getZxid());
        assertEquals(12, first.getSnapshot().getConfiguration().getServersCount());
        assertEquals(List.of(zxid), connection.frames.subList(1, connection.frames.size()).stream().map(Response::getZxid).toList());
    }

    @Test
    void aServiceFilterLeavesOutOtherServicesEventsButStillMarksProgress() {
        setUp(0);
        Connection connection = new Connection(100);
        subscribers.subscribe(1, SubscribeRequest.newBuilder().setFromZxid(zxid).addServices("api").build(), connection, machine);
        apply(new Command.RegisterServer("web", "w", "10.0.0.1", 80, 1, "ready", false, Map.of(), 0, null));
        long webZxid = zxid;
        apply(new Command.RegisterServer("api", "a", "10.0.0.2", 80, 1, "ready", false, Map.of(), 0, null));
        assertEquals(List.of(webZxid, zxid), connection.frames.stream().map(Response::getZxid).toList());
        assertEquals(0, connection.frames.get(0).getEntry().getEventsCount(), "web's entry is a progress marker only");
        assertEquals(1, connection.frames.get(1).getEntry().getEventsCount());
    }

    @Test
    void aSubscriberThatCannotKeepUpIsEndedWithTheZxidToResumeFrom() {
        setUp(0);
        Connection slow = new Connection(2);
        subscribers.subscribe(5, SubscribeRequest.newBuilder().setFromZxid(zxid).build(), slow, machine);
        long resumeFrom = zxid + 2;
        for (int i = 0; i < 4; i++) {
            apply(new Command.RegisterServer("web", "s" + i, "10.0.0." + (i + 1), 80, 1, "ready", false, Map.of(), 0, null));
        }
        assertEquals(2, slow.frames.size());
        assertEquals(1, slow.answers.size());
        Response end = slow.answers.get(0);
        assertEquals(ErrorCode.STREAM_ENDED, end.getError().getCode());
        assertEquals(resumeFrom, end.getError().getResumeZxid());
        assertTrue(end.getError().getMessage().contains("resubscribe from zxid"), end.getError().getMessage());
        assertEquals(0, subscribers.count(), "an ended subscriber gets nothing more");
    }
}
