package io.signalbox.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.consensus.RecoveredState;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.ZabConfig;
import io.signalbox.consensus.ZabCore;
import io.signalbox.protocol.ClientRequest;
import io.signalbox.protocol.Request;
import io.signalbox.protocol.Response;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Three nodes (ids 1 to 3, and up to {@link #IDS_MAX} with {@link #start}) wired by hand for tests (no threads, no network, no disk): messages are
 * delivered in order when the test says so; writes are reported durable at once, except the
 * node's own snapshots, which wait in {@link #snapshotsToWrite} (per node id) until the test
 * reports them.
 */
final class HandWiredCluster {
    private record InFlight(int from, int to, PeerMessage message) {}

    static final int IDS_MAX = 7;

    final Node[] nodes = new Node[IDS_MAX + 1];
    final List<NodeEffect.Reply> replies = new ArrayList<>();
    final List<List<NodeEffect.TakeSnapshot>> snapshotsToWrite = perNode();
    final boolean[] cut = new boolean[IDS_MAX + 1];
    /** Every effect each node produced, in order (per node id), for tests that check the order itself. */
    final List<List<NodeEffect>> effectLog = perNode();
    private final ArrayDeque<InFlight> network = new ArrayDeque<>();
    private final int snapshotEveryEntries;
    private final Access access;

    private static <T> List<List<T>> perNode() {
        List<List<T>> lists = new ArrayList<>();
        for (int id = 0; id <= IDS_MAX; id++) {
            lists.add(new ArrayList<>());
        }
        return List.copyOf(lists);
    }

    /** The addresses the test gives node {@code id}: n{id}:1 (peer), :2 (client), :3 (admin). */
    static NodeOptions.Member member(int id) {
        return new NodeOptions.Member(id, "n" + id + ":1", "n" + id + ":2", "n" + id + ":3");
    }

    HandWiredCluster(int snapshotEveryEntries) {
        this(snapshotEveryEntries, Access.OPEN);
    }

    HandWiredCluster(int snapshotEveryEntries, Access access) {
        this.snapshotEveryEntries = snapshotEveryEntries;
        this.access = access;
        for (int id = 1; id <= 3; id++) {
            start(id, List.of(1, 2, 3), Snapshot.GENESIS);
        }
    }

    /**
     * Starts node {@code id} with an empty log on {@code snapshot}, its bootstrap members being
     * {@code voters}, and itself as their observer if it is none of them.
     */
    void start(int id, List<Integer> voters, Snapshot snapshot) {
        List<NodeOptions.Member> members = new ArrayList<>(voters.stream().map(HandWiredCluster::member).toList());
        if (!voters.contains(id)) {
            members.add(member(id));
        }
        long epoch = io.signalbox.common.Zxid.epoch(snapshot.zxid());
        ZabCore core = ZabCore.create(ZabConfig.defaults(id, voters), new RecoveredState(epoch, epoch, snapshot, List.of()),
                new SplittableRandom(id)::nextLong);
        nodes[id] = new Node(new NodeOptions(id, members, 50, 20, snapshotEveryEntries, 64, false, false, access), core, snapshot, id);
        carryOut(id);
    }

    void carryOut(int id) {
        for (NodeEffect effect : nodes[id].takeEffects()) {
            effectLog.get(id).add(effect);
            if (effect instanceof NodeEffect.Send send) {
                network.add(new InFlight(id, send.to(), send.message()));
            } else if (effect instanceof NodeEffect.Durable durable) {
                nodes[id].written(durable.write().writeId());
                carryOut(id);
            } else if (effect instanceof NodeEffect.TakeSnapshot take) {
                snapshotsToWrite.get(id).add(take);
            } else if (effect instanceof NodeEffect.Reply reply) {
                replies.add(reply);
            }
        }
    }

    /** Delivers messages (and their consequences) until none is left, at most {@code max}. */
    void deliverAll(int max) {
        for (int i = 0; i < max && !network.isEmpty(); i++) {
            InFlight message = network.poll();
            if (!cut[message.from()] && !cut[message.to()] && nodes[message.to()] != null) {
                nodes[message.to()].receive(message.from(), message.message());
                carryOut(message.to());
            }
        }
    }

    void tickAll(int ticks) {
        for (int t = 0; t < ticks; t++) {
            for (int id = 1; id <= IDS_MAX; id++) {
                if (nodes[id] != null && !cut[id]) {
                    nodes[id].tick();
                    carryOut(id);
                }
            }
            deliverAll(10_000);
        }
    }

    int leader() {
        for (int id = 1; id <= IDS_MAX; id++) {
            if (nodes[id] != null && nodes[id].leadingEstablished()) {
                return id;
            }
        }
        return 0;
    }

    /** Sends one request to node {@code id} and returns its one answer, delivering and ticking at most 10 rounds. */
    Response ask(int id, long connection, long requestId, ClientRequest body) {
        return ask(id, connection, "anonymous", requestId, body);
    }

    /** Like {@link #ask(int, long, long, ClientRequest)}, on a connection whose identity is {@code identity}. */
    Response ask(int id, long connection, String identity, long requestId, ClientRequest body) {
        replies.clear();
        nodes[id].request(connection, identity, new Request(requestId, body));
        carryOut(id);
        for (int t = 0; t < 10 && replies.isEmpty(); t++) {
            deliverAll(10_000);
            tickAll(1);
        }
        assertEquals(1, replies.size(), "one answer: " + replies);
        assertEquals(connection, replies.get(0).connectionId());
        return replies.get(0).response();
    }

    int electLeader() {
        for (int t = 0; t < 200 && leader() == 0; t++) {
            tickAll(1);
        }
        assertTrue(leader() != 0, "a leader within 200 ticks");
        return leader();
    }
}
