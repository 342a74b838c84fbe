package io.signalbox.state;

import static io.signalbox.state.Fixtures.run;
import static io.signalbox.state.Fixtures.server;
import static io.signalbox.state.Fixtures.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryAndLimitsTest {
    @Test
    void eventsAfterAZxidAreTheEntriesAfterItInOrder() {
        LbStateMachine machine = new LbStateMachine(Limits.DEFAULTS, 100);
        run(machine, service("web", 8080));
        run(machine, server("web", "a", "10.0.0.1", 80));
        run(machine, new Command.SetWeight("web", "a", 5, null));
        List<LbStateMachine.Entry> after = machine.eventsAfter((1L << 32) | 1);
        assertEquals(List.of((1L << 32) | 2, (1L << 32) | 3), after.stream().map(LbStateMachine.Entry::zxid).toList());
        assertEquals(List.of(new StateEvent.ServerWeightSet(new ServerKey("web", "a"), 5)), after.get(1).events());
        assertEquals(List.of(), machine.eventsAfter((1L << 32) | 3));
    }

    @Test
    void historyIsBoundedAndOlderZxidsSayResubscribeFromASnapshot() {
        LbStateMachine machine = new LbStateMachine(Limits.DEFAULTS, 10);
        run(machine, service("web", 8080));
        run(machine, server("web", "a", "10.0.0.1", 80));
        List<Long> digests = new ArrayList<>();
        for (int weight = 0; weight < 40; weight++) {
            run(machine, new Command.SetWeight("web", "a", weight, null));
            digests.add(machine.digest());
        }
        HistoryGoneException gone = assertThrows(HistoryGoneException.class, () -> machine.eventsAfter((1L << 32) | 2));
        assertTrue(gone.getMessage().contains("resubscribe from a snapshot"), gone.getMessage());
        assertThrows(HistoryGoneException.class, () -> machine.configurationAt((1L << 32) | 2));
        long recent = machine.appliedZxid() - 3;
        assertEquals(digests.get(digests.size() - 4), machine.configurationAt(recent).digest());
        assertEquals(36, machine.configurationAt(recent).servers().get("web").get(0).weight());
        int retained = machine.eventsAfter(gone.oldestRetainedZxid()).size();
        assertTrue(retained >= 10 && retained <= 20, "retains at least historyEntriesMax, at most twice that here: " + retained);
    }

    @Test
    void entitiesCarryTheZxidOfTheirLastChangeAsVersion() {
        LbStateMachine machine = new LbStateMachine(Limits.DEFAULTS, 100);
        run(machine, service("web", 8080));
        run(machine, server("web", "a", "10.0.0.1", 80));
        run(machine, new Command.SetState("web", "a", "drain", null));
        assertEquals((1L << 32) | 1, machine.service("web").version());
        assertEquals((1L << 32) | 3, machine.server("web", "a").version());
        run(machine, new Command.SetWeight("web", "a", 7, (1L << 32) | 3));
        assertEquals((1L << 32) | 4, machine.server("web", "a").version());
    }

    @Test
    void limitsAreEnforcedAndNamed() {
        Limits tight = new Limits(2, 2, 1, 16, 3, 256 << 10, 128, 3_600_000, 1_000, 600_000);
        LbStateMachine machine = new LbStateMachine(tight, 100);
        run(machine, service("a", 1001));
        run(machine, service("b", 1002));
        assertEquals("service: the limit of 2 services is reached",
                assertThrows(Rejection.class, () -> machine.prepare(service("c", 1003))).getMessage());
        run(machine, server("a", "x", "10.0.0.1", 80));
        run(machine, server("a", "y", "10.0.0.2", 80));
        assertEquals("server: service a has reached the limit of 2 servers",
                assertThrows(Rejection.class, () -> machine.prepare(server("a", "z", "10.0.0.3", 80))).getMessage());
        run(machine, new Command.OpenSession(5_000));
        assertEquals("session: the limit of 1 open sessions is reached",
                assertThrows(Rejection.class, () -> machine.prepare(new Command.OpenSession(5_000))).getMessage());
        assertEquals("session.timeoutMs: 10 is out of range: allowed 1000..600000 ms",
                assertThrows(Rejection.class, () -> machine.prepare(new Command.OpenSession(10))).getMessage());
        List<Command> four = List.of(new Command.KeepAlive(1), new Command.KeepAlive(1), new Command.KeepAlive(1), new Command.KeepAlive(1));
        assertEquals("multi.commands: 4 commands: a multi holds 1..3",
                assertThrows(Rejection.class, () -> machine.prepare(new Command.Multi(four))).getMessage());
        Command nested = new Command.Multi(List.of(new Command.Multi(List.of(new Command.KeepAlive(1)))));
        assertEquals("multi.commands[0].type: Multi cannot be part of a multi",
                assertThrows(Rejection.class, () -> machine.prepare(nested)).getMessage());
    }

    @Test
    void aMultiSeesItsOwnEarlierCommandsAndAnEphemeralServerOfANewSession() {
        LbStateMachine machine = new LbStateMachine(Limits.DEFAULTS, 100);
        List<StateEvent> events = run(machine, new Command.Multi(List.of(
                service("web", 8080),
                new Command.OpenSession(5_000),
                new Command.RegisterServer("web", "self", "10.0.0.1", 80, 1, "ready", false, Map.of(), 1, 0L))));
        assertEquals(3, events.size());
        assertEquals(1, machine.server("web", "self").sessionId());
        run(machine, new Command.CloseSession(1));
        assertEquals(List.of(), machine.servers("web"));
    }

    @Test
    void applyIsTotalAndRefusesOnlyAZxidThatDoesNotAdvance() {
        LbStateMachine machine = new LbStateMachine(Limits.DEFAULTS, 100);
        long before = machine.digest();
        machine.apply((1L << 32) | 1, List.of(new StateEvent.ServerWeightSet(new ServerKey("none", "x"), 3),
                new StateEvent.SessionEnded(99, true), new StateEvent.ServerDeregistered(new ServerKey("none", "y"))));
        assertEquals(before, machine.digest(), "events about nothing change nothing, and do not throw");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> machine.apply((1L << 32) | 1, List.of()));
        assertEquals("entry 1:1 is not after the last applied 1:1", error.getMessage());
    }

    @Test
    void everyRetainedPastConfigurationIsTheOneThatWasCurrentThenAcrossManyTrims() {
        LbStateMachine machine = new LbStateMachine(Limits.DEFAULTS, 8);
        java.util.Map<Long, Configuration> seen = new java.util.HashMap<>();
        java.util.Random random = new java.util.Random(7);
        for (int step = 0; step < 400; step++) {
            Command command = Fixtures.randomChange(random, machine);
            try {
                run(machine, command);
            } catch (Rejection refused) {
                continue;
            }
            seen.put(machine.appliedZxid(), machine.configuration());
        }
        int checked = 0;
        for (java.util.Map.Entry<Long, Configuration> then : seen.entrySet()) {
            try {
                assertEquals(then.getValue(), machine.configurationAt(then.getKey()), "configuration at " + then.getKey());
                checked++;
            } catch (HistoryGoneException gone) {
                assertTrue(then.getKey() < gone.oldestRetainedZxid());
            }
        }
        assertTrue(checked >= 8 && seen.size() > checked + 100, "checked " + checked + " of " + seen.size());
        assertEquals(seen.get(machine.appliedZxid()), machine.configuration(), "replays leave the live state as it was");
    }

    @Test
    void replayingForAPastConfigurationDoesNotFoldHistoryOnEveryEntry() {
        // A state machine without a history bound (as used for replays) must never trim: an int
        // overflow once made every replayed entry rebuild the whole state.
        LbStateMachine unbounded = new LbStateMachine(Limits.DEFAULTS, Integer.MAX_VALUE);
        run(unbounded, service("web", 8080));
        run(unbounded, server("web", "a", "10.0.0.1", 80));
        for (int weight = 0; weight < 50; weight++) {
            run(unbounded, new Command.SetWeight("web", "a", weight, null));
        }
        assertEquals(52, unbounded.eventsAfter(0).size(), "every entry is still retained");
    }

    @Test
    void aPreparedEntryIsThePreparedEventsEncodedOnceAndAKeepAliveLogsNothing() {
        LbStateMachine machine = new LbStateMachine(Limits.DEFAULTS, 100);
        run(machine, service("web", 8080));
        run(machine, new Command.OpenSession(5_000));
        Command register = server("web", "a", "10.0.0.1", 80);
        assertEquals(machine.prepare(register),
                io.signalbox.state.codec.StateCodec.decodeEvents(machine.prepareEntry(register, machine.view())));
        assertEquals(0, machine.prepareEntry(new Command.KeepAlive(1), machine.view()).length);
    }
}
