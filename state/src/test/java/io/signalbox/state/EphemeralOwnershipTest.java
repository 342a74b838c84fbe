package io.signalbox.state;

import static io.signalbox.state.Fixtures.ephemeral;
import static io.signalbox.state.Fixtures.run;
import static io.signalbox.state.Fixtures.server;
import static io.signalbox.state.Fixtures.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An ephemeral server belongs to the session that registered it until that session ends: a
 * restarted sidecar whose old session has not expired yet, a second sidecar with the same name,
 * or a sessionless {@code ctl server add} is refused, naming the owner, and nothing is appended.
 */
class EphemeralOwnershipTest {
    private final LbStateMachine machine = new LbStateMachine(Limits.DEFAULTS, 100);

    @BeforeEach
    void twoSessionsAndAnEphemeralServerOfTheFirst() {
        run(machine, service("web", 8080));
        run(machine, new Command.OpenSession(5_000));
        run(machine, new Command.OpenSession(5_000));
        run(machine, ephemeral("web", "web-4", "10.0.1.4", 1));
    }

    @Test
    void anotherLiveSessionIsRefusedNamingTheOwner() {
        long digest = machine.digest();
        Rejection refused = assertThrows(Rejection.class, () -> machine.prepare(ephemeral("web", "web-4", "10.0.1.5", 2)));
        assertEquals("server.name: server web/web-4 is already registered by live session 1 (ephemeral; this command's session is 2):"
                + " only session 1 may register it again; it leaves when that session closes or expires, or remove it first"
                + " (ctl server rm web web-4)", refused.getMessage());
        assertEquals(digest, machine.digest());
        assertEquals(1, machine.server("web", "web-4").sessionId());
        assertEquals("10.0.1.4", machine.server("web", "web-4").address().toString());
    }

    @Test
    void aSessionlessRegistrationCannotTurnItPermanent() {
        Rejection refused = assertThrows(Rejection.class, () -> machine.prepare(server("web", "web-4", "10.0.1.4", 8080)));
        assertEquals("server.name", refused.field());
        assertEquals(true, refused.getMessage().contains("live session 1 (ephemeral; this command has no session)"), refused.getMessage());
    }

    @Test
    void theOwnerMayRegisterItAgainAndAnyoneMayStillDrainOrRemoveIt() {
        run(machine, new Command.RegisterServer("web", "web-4", "10.0.1.4", 8080, 5, "drain", false, Map.of(), 1, null));
        assertEquals(ServerState.DRAIN, machine.server("web", "web-4").state());
        run(machine, new Command.SetState("web", "web-4", "maint", null));
        assertEquals(ServerState.MAINT, machine.server("web", "web-4").state());
        run(machine, new Command.DeregisterServer("web", "web-4", null));
        assertNull(machine.server("web", "web-4"));
        run(machine, ephemeral("web", "web-4", "10.0.1.5", 2));
        assertEquals(2, machine.server("web", "web-4").sessionId(), "removed by an operator, the name is free again");
    }

    @Test
    void onceTheOwnerEndsTheNameIsFree() {
        run(machine, new Command.ExpireSession(1));
        run(machine, ephemeral("web", "web-4", "10.0.1.5", 2));
        assertEquals(2, machine.server("web", "web-4").sessionId());
    }

    @Test
    void aPermanentServerHasNoOwnerAndMayBeAdoptedBySession() {
        run(machine, server("web", "fixed", "10.0.1.9", 80));
        run(machine, ephemeral("web", "fixed", "10.0.1.9", 2));
        assertEquals(2, machine.server("web", "fixed").sessionId());
        run(machine, new Command.CloseSession(2));
        assertNull(machine.server("web", "fixed"), "adopted, it leaves with its new owner");
    }

    @Test
    void insideAMultiTheRuleSeesTheMultisOwnEarlierRegistrations() {
        Rejection refused = assertThrows(Rejection.class, () -> machine.prepare(new Command.Multi(List.of(
                ephemeral("web", "web-7", "10.0.1.7", 1),
                ephemeral("web", "web-7", "10.0.1.7", 2)))));
        assertEquals("multi.commands[1].server.name", refused.field());
        assertInstanceOf(Rejection.class, refused);
        assertNull(machine.server("web", "web-7"), "all or none");
    }
}
