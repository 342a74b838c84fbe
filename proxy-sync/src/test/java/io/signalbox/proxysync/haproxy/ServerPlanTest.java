package io.signalbox.proxysync.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.signalbox.state.IpAddress;
import io.signalbox.state.Server;
import io.signalbox.state.ServerState;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The plan is what makes passes idempotent: only differences become commands, in a safe order. */
class ServerPlanTest {
    private static Server server(String name, String ip, int port, int weight, ServerState state, boolean backup) {
        return new Server("web", name, IpAddress.parse("address", ip), port, weight, state, backup, new TreeMap<>(), 0, 1);
    }

    private static ServerPlan.Running running(String name, String ip, int port, int weight, ServerState state) {
        return new ServerPlan.Running(name, IpAddress.parse("address", ip), port, weight, state, null);
    }

    @Test
    void whatAlreadyRunsPlansNothing() {
        Server a = server("a", "10.0.0.1", 80, 5, ServerState.READY, false);
        Server b = server("b", "fd00::2", 8080, 0, ServerState.DRAIN, true);
        List<ServerPlan.Step> steps = ServerPlan.plan(List.of(a, b), List.of(ServerPlan.Running.of(a), ServerPlan.Running.of(b)), Set.of());
        assertEquals(List.of(), steps);
    }

    @Test
    void eachDifferenceIsOneStepWithRemovalsFirstAndAdditionsLast() {
        List<Server> wanted = List.of(server("a", "10.0.0.9", 81, 5, ServerState.READY, false),
                server("b", "10.0.0.2", 80, 3, ServerState.DRAIN, false), server("c", "10.0.0.3", 80, 1, ServerState.READY, false));
        List<ServerPlan.Running> have = List.of(running("a", "10.0.0.1", 80, 5, ServerState.READY),
                running("b", "10.0.0.2", 80, 1, ServerState.READY), running("old", "10.0.0.4", 80, 1, ServerState.READY));
        List<ServerPlan.Step> steps = ServerPlan.plan(wanted, have, Set.of());
        assertEquals(List.of(new ServerPlan.Remove("old"), new ServerPlan.SetAddress("a", IpAddress.parse("a", "10.0.0.9"), 81),
                new ServerPlan.SetWeight("b", 3), new ServerPlan.SetState("b", ServerState.DRAIN), new ServerPlan.Add(wanted.get(2))), steps);
    }

    @Test
    void aServerAlreadyLeavingIsNotRemovedTwice() {
        List<ServerPlan.Step> steps = ServerPlan.plan(List.of(), List.of(running("old", "10.0.0.4", 80, 1, ServerState.MAINT)),
                Set.of("old"));
        assertEquals(List.of(), steps);
    }

    @Test
    void aBackupFlagThatChangedMeansRemoveAndAddAgain() {
        Server wanted = server("a", "10.0.0.1", 80, 5, ServerState.READY, true);
        ServerPlan.Running was = ServerPlan.Running.of(server("a", "10.0.0.1", 80, 5, ServerState.READY, false));
        assertEquals(List.of(new ServerPlan.Remove("a"), new ServerPlan.Add(wanted)), ServerPlan.plan(List.of(wanted), List.of(was), Set.of()));
        ServerPlan.Running unknown = running("a", "10.0.0.1", 80, 5, ServerState.READY);
        assertEquals(List.of(), ServerPlan.plan(List.of(wanted), List.of(unknown), Set.of()), "HAProxy's answer does not say; no churn");
    }
}
