package io.signalbox.proxysync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.state.Command;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentStateDirTest {
    @TempDir
    Path directory;

    @Test
    void theViewAndTheAppliedZxidSurviveAReopen() {
        LbStateMachine machine = new LbStateMachine(Limits.DEFAULTS, 2);
        machine.apply(7, machine.prepare(new Command.PutService("web", "http", 8080, "roundrobin", null, 1, 1, 1, null)));
        try (AgentStateDir dir = AgentStateDir.open(directory)) {
            assertEquals(0, dir.appliedZxid());
            assertEquals(0, dir.loadView().appliedZxid(), "a fresh directory starts from nothing");
            dir.saveView(machine.snapshot());
            dir.saveAppliedZxid(0x1_0000_0005L);
        }
        try (AgentStateDir dir = AgentStateDir.open(directory)) {
            assertEquals(0x1_0000_0005L, dir.appliedZxid());
            LbStateMachine view = dir.loadView();
            assertEquals(7, view.appliedZxid());
            assertEquals("web", view.services().get(0).name());
        }
        assertTrue(Files.exists(directory.resolve(AgentStateDir.VIEW_FILE)));
        assertTrue(List.of(directory.toFile().list()).stream().noneMatch(n -> n.endsWith(".tmp")), "no temporary file left");
    }

    @Test
    void oneAgentPerDirectory() {
        try (AgentStateDir first = AgentStateDir.open(directory)) {
            IllegalStateException second = assertThrows(IllegalStateException.class, () -> AgentStateDir.open(directory));
            assertTrue(second.getMessage().contains("another sync agent is using the state directory"), second.getMessage());
        }
    }

    @Test
    void optionsRefuseBadValuesNamingThem() {
        IllegalArgumentException id = assertThrows(IllegalArgumentException.class, () -> SyncOptions.defaults("has space"));
        assertTrue(id.getMessage().contains("agent id \"has space\""), id.getMessage());
        IllegalArgumentException service = assertThrows(IllegalArgumentException.class,
                () -> SyncOptions.defaults("a").withServices(List.of("Web;x")));
        assertTrue(service.getMessage().contains("Web;x"), service.getMessage());
        IllegalArgumentException delay = assertThrows(IllegalArgumentException.class, () -> SyncOptions.defaults("a").withDebounce(500, 100));
        assertTrue(delay.getMessage().startsWith("maxDelayMs 100"), delay.getMessage());
    }
}
