package io.signalbox.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.protocol.CommandRequest;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.ReadRequest;
import io.signalbox.protocol.ReadResult;
import io.signalbox.protocol.Response;
import io.signalbox.state.Command;
import io.signalbox.state.StateEvent;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a host needs to answer LOCAL reads off the node's thread: the answer of a one-service
 * read as an effect, and every applied entry naming the services it changes right before it
 * is announced as applied.
 */
class NodeLocalReadEffectsTest {
    private final HandWiredCluster cluster = new HandWiredCluster(1_000);

    @Test
    void aServiceReadIsOfferedForCachingAndChangesAreNamedRightBeforeTheyAreApplied() {
        int leader = cluster.electLeader();
        assertTrue(cluster.ask(leader, 7, 1, new CommandRequest("c", 1, new Command.PutService("web", "http", 8080, "roundrobin", null,
                1_000, 1_000, 1_000, null))).reply() instanceof CommandResult);
        Response read = cluster.ask(leader, 3, 9, new ReadRequest(Consistency.LOCAL, 0, "web", 0));
        List<NodeEffect> effects = cluster.effectLog.get(leader);
        NodeEffect.ServiceRead offered = (NodeEffect.ServiceRead) effects.stream().filter(e -> e instanceof NodeEffect.ServiceRead)
                .reduce((first, second) -> second).orElseThrow(() -> new AssertionError("no ServiceRead in " + effects));
        assertEquals("web", offered.service());
        assertEquals(((ReadResult) read.reply()).configuration(), offered.configuration(), "the very answer the client got");

        int applied = 0;
        for (int i = 0; i < effects.size(); i++) {
            if (effects.get(i) instanceof NodeEffect.Applied) {
                applied++;
                assertTrue(i > 0 && effects.get(i - 1) instanceof NodeEffect.ServicesChanged, "ServicesChanged right before: " + effects);
            }
        }
        assertTrue(applied >= 1, effects.toString());
        assertTrue(effects.contains(new NodeEffect.ServicesChanged(Set.of("web"), false)), effects.toString());
    }

    @Test
    void aSessionsEndMayChangeAnyServiceAndOpeningOneChangesNone() {
        assertEquals(new NodeEffect.ServicesChanged(Set.of(), true), ChangedServices.of(List.of(new StateEvent.SessionEnded(4, true))));
        assertEquals(new NodeEffect.ServicesChanged(Set.of(), false), ChangedServices.of(List.of(new StateEvent.SessionOpened(4, 3_000))));
    }
}
