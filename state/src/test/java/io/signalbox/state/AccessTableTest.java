package io.signalbox.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The replicated access table: grants and revokes as events, in the digest, in snapshots, validated in a multi too. */
class AccessTableTest {
    private final LbStateMachine machine = new LbStateMachine(Limits.DEFAULTS, 16);
    private long zxid;

    private void run(Command command) {
        machine.apply(++zxid, machine.prepare(command), "root");
    }

    @Test
    void grantsChangeTheDigestAndSurviveASnapshot() {
        long before = machine.digest();
        run(new Command.GrantRole("ops", "operate", "web*"));
        run(new Command.GrantRole("ops", "read", ""));
        run(new Command.GrantRole("root", "admin", null));
        assertNotEquals(before, machine.digest());
        LbStateMachine restored = LbStateMachine.restore(machine.snapshot(), Limits.DEFAULTS, 16);
        assertEquals(machine.digest(), restored.digest());
        assertEquals(machine.grants(), restored.grants());
        assertEquals(Set.of(Grant.of(Role.READ), new Grant(Role.OPERATE, "web*")), restored.grants().get("ops"));
        assertEquals("root", machine.eventsAfter(0).get(0).identity());
    }

    @Test
    void aPrefixScopeCoversTheServicesThatStartWithIt() {
        Grant prefix = new Grant(Role.OPERATE, "web*");
        assertTrue(prefix.operates("web") && prefix.operates("web-eu"));
        assertTrue(!prefix.operates("api") && !new Grant(Role.OPERATE, "web").operates("web-eu") && !Grant.of(Role.READ).operates("web"));
    }

    @Test
    void revokingTheLastAdminInsideAMultiIsRefusedAndGrantingTwiceChangesNothing() {
        run(new Command.GrantRole("root", "admin", null));
        assertEquals(List.of(), machine.prepare(new Command.GrantRole("root", "admin", "*")));
        Rejection last = assertThrows(Rejection.class, () -> machine.prepare(new Command.Multi(List.of(
                new Command.GrantRole("alice", "admin", null), new Command.RevokeRole("alice", "admin", null),
                new Command.RevokeRole("root", "admin", null)))));
        assertEquals("multi.commands[2].acl.identity", last.field());
        Rejection notHeld = assertThrows(Rejection.class, () -> machine.prepare(new Command.RevokeRole("ops", "read", null)));
        assertEquals("acl.role: ops does not hold read; it holds nothing", notHeld.getMessage());
        Rejection scope = assertThrows(Rejection.class, () -> machine.prepare(new Command.GrantRole("ops", "operate", "w*b")));
        assertEquals("acl.scope", scope.field());
        Rejection space = assertThrows(Rejection.class, () -> machine.prepare(new Command.GrantRole("ops team", "read", null)));
        assertEquals("acl.identity", space.field());
    }
}
