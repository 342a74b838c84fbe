package io.signalbox.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.signalbox.state.codec.EntryCodec;
import io.signalbox.state.codec.EntryCodec.AppliedWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A snapshot's client table must come back exactly as it was written, however it is read back. */
class ClientTableTest {
    /** One remembered command, flattened so that tables compare by value. */
    record Command(String clientId, long sequence, long zxid, long sessionId) {}

    static List<Command> commands(List<AppliedWindow> windows) {
        List<Command> commands = new ArrayList<>();
        for (AppliedWindow w : windows) {
            for (int i = 0; i < w.size(); i++) {
                commands.add(new Command(w.clientId(), w.sequences()[i], w.zxids()[i], w.sessionIds()[i]));
            }
        }
        return commands;
    }

    static List<AppliedWindow> oneWindowEach(List<Command> commands) {
        return commands.stream().map(c -> new AppliedWindow(c.clientId(), new long[] {c.sequence()}, new long[] {c.zxid()},
                new long[] {c.sessionId()})).toList();
    }

    private static ClientTable pipelinedClients(int clients, int commands) {
        SplittableRandom random = new SplittableRandom(7);
        ClientTable table = new ClientTable();
        long[] nextSequence = new long[clients];
        for (int i = 0; i < commands; i++) {
            int client = random.nextInt(nextSequence.length);
            // pipelined clients apply a little out of order
            long sequence = nextSequence[client] + random.nextInt(3);
            nextSequence[client] = Math.max(nextSequence[client], sequence) + 1;
            table.record("c" + client, sequence, i + 1, client % 3);
        }
        return table;
    }

    @Test
    void aSnapshotsWindowsRebuildTheSameTable() {
        ClientTable table = pipelinedClients(40, 60_000);
        List<AppliedWindow> written = table.toWindows();
        assertEquals(40, written.size());
        assertEquals(40 * ClientTable.SEQUENCES_PER_CLIENT_MAX, commands(written).size());
        assertEquals(commands(written), commands(ClientTable.fromWindows(written).toWindows()));
    }

    @Test
    void theTableSurvivesTheSnapshotEncodingAndKeepsEveryAnswer() {
        ClientTable table = pipelinedClients(5, 3_000);
        byte[] bytes = EntryCodec.encodeNodeSnapshot(new byte[] {1, 2, 3}, table.toWindows(), null);
        ClientTable decoded = ClientTable.fromWindows(EntryCodec.decodeNodeSnapshot(7, bytes).clients());
        assertEquals(commands(table.toWindows()), commands(decoded.toWindows()));
        for (Command c : commands(table.toWindows())) {
            assertEquals(ClientTable.Verdict.DUPLICATE, decoded.verdict(c.clientId(), c.sequence()));
            assertEquals(new ClientTable.Applied(c.sequence(), c.zxid(), c.sessionId()), decoded.applied(c.clientId(), c.sequence()));
        }
        assertNull(decoded.applied("c0", -5));
    }

    @Test
    void windowsInAnyOtherOrderAreReplayedOneByOne() {
        List<Command> interleaved = List.of(new Command("a", 1, 1, 0), new Command("b", 1, 2, 0), new Command("a", 2, 3, 0),
                new Command("b", 0, 4, 0));
        ClientTable oneByOne = new ClientTable();
        for (Command c : interleaved) {
            oneByOne.record(c.clientId(), c.sequence(), c.zxid(), c.sessionId());
        }
        ClientTable rebuilt = ClientTable.fromWindows(oneWindowEach(interleaved));
        assertEquals(commands(oneByOne.toWindows()), commands(rebuilt.toWindows()));
        assertEquals(List.of("a", "b"), commands(rebuilt.toWindows()).stream().map(Command::clientId).distinct().toList());
        assertEquals(List.of(0L, 1L), commands(rebuilt.toWindows()).stream().filter(c -> c.clientId().equals("b"))
                .map(Command::sequence).toList(), "sequences ascending within a window");
    }

    @Test
    void theLimitsHoldWhenRebuilding() {
        List<Command> commands = new ArrayList<>();
        for (int client = 0; client < ClientTable.CLIENTS_MAX + 3; client++) {
            commands.add(new Command("c" + client, 1, client + 1, 0));
        }
        List<AppliedWindow> windows = new ArrayList<>(oneWindowEach(commands));
        int many = ClientTable.SEQUENCES_PER_CLIENT_MAX + 4;
        long[] sequences = new long[many];
        for (int i = 0; i < many; i++) {
            sequences[i] = i + 2;
        }
        windows.add(new AppliedWindow("last", sequences, sequences.clone(), new long[many]));
        ClientTable rebuilt = ClientTable.fromWindows(windows);
        assertEquals(ClientTable.CLIENTS_MAX, rebuilt.size());
        assertEquals(6, rebuilt.oldestRemembered("last"));
        assertEquals(0, rebuilt.oldestRemembered("c0"), "the least recently heard from are forgotten first");
        assertEquals(1, rebuilt.oldestRemembered("c4"));
    }

    @Test
    void aFullWindowForgetsItsOldestAndRefusesOlderSequences() {
        ClientTable table = new ClientTable();
        for (long sequence = 1; sequence <= ClientTable.SEQUENCES_PER_CLIENT_MAX * 3L; sequence++) {
            table.record("c", sequence, sequence, 0);
        }
        long oldest = ClientTable.SEQUENCES_PER_CLIENT_MAX * 2L + 1;
        assertEquals(oldest, table.oldestRemembered("c"));
        assertEquals(ClientTable.Verdict.TOO_OLD, table.verdict("c", oldest - 1));
        assertEquals(ClientTable.Verdict.DUPLICATE, table.verdict("c", oldest));
        assertEquals(ClientTable.Verdict.NEW, table.verdict("c", ClientTable.SEQUENCES_PER_CLIENT_MAX * 3L + 1));
        table.record("c", ClientTable.SEQUENCES_PER_CLIENT_MAX * 3L + 2, 99_999, 0); // out of order: inserted after the gap
        table.record("c", ClientTable.SEQUENCES_PER_CLIENT_MAX * 3L + 1, 99_998, 0);
        assertEquals(oldest + 2, table.oldestRemembered("c"));
        assertEquals(new ClientTable.Applied(ClientTable.SEQUENCES_PER_CLIENT_MAX * 3L + 1, 99_998, 0),
                table.applied("c", ClientTable.SEQUENCES_PER_CLIENT_MAX * 3L + 1));
    }
}
