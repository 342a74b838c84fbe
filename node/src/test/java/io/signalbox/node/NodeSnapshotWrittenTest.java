package io.signalbox.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.protocol.CommandRequest;
import io.signalbox.protocol.CommandResult;
import io.signalbox.state.Command;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node's own snapshot is a write like any other: the core keeps the txns it covers (to
 * serve a DIFF, or recover) until storage reports the snapshot written, and the node takes
 * no second snapshot while one is being written.
 */
class NodeSnapshotWrittenTest {
    private final HandWiredCluster cluster = new HandWiredCluster(3);

    private void commitServices(int leader, int count, int from) {
        for (int i = from; i < from + count; i++) {
            assertTrue(cluster.ask(leader, 7, i, new CommandRequest("client-a", i, new Command.PutService("svc-" + i, "http", 9_000 + i,
                    "roundrobin", null, 1_000, 1_000, 1_000, null))).reply() instanceof CommandResult);
        }
    }

    @Test
    void theLogPrefixStaysUntilTheSnapshotIsReportedWrittenAndOnlyOneSnapshotIsInFlight() {
        int leader = cluster.electLeader();
        Node node = cluster.nodes[leader];
        List<NodeEffect.TakeSnapshot> taken = cluster.snapshotsToWrite.get(leader);
        commitServices(leader, 3, 1);
        assertEquals(1, taken.size(), "one snapshot after 3 entries: " + taken);
        long first = taken.get(0).snapshot().zxid();
        assertEquals(0, node.view().snapshotZxid(), "not written yet: the core still holds every txn");

        commitServices(leader, 4, 10);
        assertEquals(1, taken.size(), "no second snapshot while the first is being written");

        node.snapshotWritten(first - 1);
        assertEquals(0, node.view().snapshotZxid(), "a report for another snapshot changes nothing");

        node.snapshotWritten(first);
        cluster.carryOut(leader);
        assertEquals(first, node.view().snapshotZxid(), "written: the txns it covers go");
        commitServices(leader, 3, 20);
        assertEquals(2, taken.size(), "once written, the next snapshot comes: " + taken);
        assertTrue(taken.get(1).snapshot().zxid() > first);
    }
}
