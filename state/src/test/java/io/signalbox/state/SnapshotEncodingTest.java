package io.signalbox.state;

import static io.signalbox.state.Fixtures.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.signalbox.proto.state.StateSnapshot;
import io.signalbox.state.codec.StateCodec;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A snapshot reuses the encoding of entities that did not change since the previous one: its
 * bytes must still be exactly what the generated code writes for the whole state, after any
 * sequence of changes, and restore to the same state.
 */
class SnapshotEncodingTest {
    @Test
    void everySnapshotIsTheGeneratedEncodingOfTheWholeStateWhateverChangedInBetween() {
        LbStateMachine machine = new LbStateMachine(Limits.DEFAULTS, 16);
        Random random = new Random(3);
        for (int round = 0; round < 300; round++) {
            for (int change = random.nextInt(4); change > 0; change--) {
                Command command = Fixtures.randomChange(random, machine);
                try {
                    run(machine, command);
                } catch (Rejection refused) {
                    // a command the state refuses changes nothing: the next snapshot is the same state
                }
            }
            byte[] snapshot = machine.snapshot();
            assertArrayEquals(generated(machine), snapshot, "round " + round);
            LbStateMachine restored = LbStateMachine.restore(snapshot, Limits.DEFAULTS, 16);
            assertEquals(machine.configuration(), restored.configuration());
            assertEquals(machine.grants(), restored.grants());
            assertEquals(machine.view().nextSessionId(), restored.view().nextSessionId());
        }
    }

    private static byte[] generated(LbStateMachine machine) {
        StateSnapshot.Builder snapshot = StateCodec.snapshotBuilder(machine.appliedZxid(), machine.view().nextSessionId());
        for (Service service : machine.services()) {
            snapshot.addServices(StateCodec.toProto(service));
            for (Server server : machine.servers(service.name())) {
                snapshot.addServers(StateCodec.toProto(server));
            }
        }
        for (Session session : machine.sessions()) {
            snapshot.addSessions(StateCodec.toProto(session));
        }
        machine.grants().forEach((identity, held) -> held.forEach(grant -> snapshot.addGrants(StateCodec.toProto(identity, grant))));
        return snapshot.build().toByteArray();
    }
}
