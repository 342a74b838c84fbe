package io.signalbox.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.signalbox.state.codec.EntryCodec.AppliedCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A snapshot's client table must come back exactly as it was written, however it is read back. */
class ClientTableTest {
    @Test
    void aSnapshotsRecordsRebuildTheSameTable() {
        SplittableRandom random = new SplittableRandom(7);
        ClientTable table = new ClientTable();
        long[] nextSequence = new long[40];
        for (int i = 0; i < 60_000; i++) {
            int client = random.nextInt(nextSequence.length);
            // pipelined clients apply a little out of order
            long sequence = nextSequence[client] + random.nextInt(3);
            nextSequence[client] = Math.max(nextSequence[client], sequence) + 1;
            table.record("c" + client, sequence, i + 1, client % 3);
        }
        List<AppliedCommand> written = table.toRecords();
        assertEquals(written, ClientTable.fromRecords(written).toRecords());
    }

    @Test
    void recordsInAnyOtherOrderAreReplayedOneByOne() {
        List<AppliedCommand> interleaved = List.of(new AppliedCommand("a", 1, 1, 0), new AppliedCommand("b", 1, 2, 0),
                new AppliedCommand("a", 2, 3, 0), new AppliedCommand("b", 0, 4, 0));
        ClientTable oneByOne = new ClientTable();
        for (AppliedCommand r : interleaved) {
            oneByOne.record(r.clientId(), r.sequence(), r.zxid(), r.sessionId());
        }
        assertEquals(oneByOne.toRecords(), ClientTable.fromRecords(interleaved).toRecords());
        assertEquals(List.of("a", "b"), ClientTable.fromRecords(interleaved).toRecords().stream().map(AppliedCommand::clientId).distinct().toList());
    }

    @Test
    void theLimitsHoldWhenRebuilding() {
        List<AppliedCommand> records = new ArrayList<>();
        for (int client = 0; client < ClientTable.CLIENTS_MAX + 3; client++) {
            records.add(new AppliedCommand("c" + client, 1, client + 1, 0));
        }
        for (long sequence = 2; sequence <= ClientTable.SEQUENCES_PER_CLIENT_MAX + 5; sequence++) {
            records.add(new AppliedCommand("last", sequence, sequence, 0));
        }
        ClientTable rebuilt = ClientTable.fromRecords(records);
        assertEquals(ClientTable.CLIENTS_MAX, rebuilt.size());
        assertEquals(6, rebuilt.oldestRemembered("last"));
        assertEquals(0, rebuilt.oldestRemembered("c0"), "the least recently heard from are forgotten first");
        assertEquals(1, rebuilt.oldestRemembered("c4"));
    }
}
