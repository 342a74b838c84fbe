package io.signalbox.state.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.proto.node.ClientRecord;
import io.signalbox.proto.node.ClientWindow;
import io.signalbox.proto.node.NodeSnapshot;
import io.signalbox.state.codec.EntryCodec.AppliedWindow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A node snapshot's client windows come back as written, and snapshots written record by record still read. */
class NodeSnapshotCodecTest {
    @Test
    void windowsComeBackAsWrittenWithZxidsInAnyOrder() {
        AppliedWindow a = new AppliedWindow("a", new long[] {3, 4, 9}, new long[] {0x1_0000_0005L, 0x1_0000_0003L, 0x2_0000_0001L},
                new long[] {0, 17, 0});
        AppliedWindow b = new AppliedWindow("b", new long[] {1}, new long[] {Long.MAX_VALUE}, new long[] {Long.MAX_VALUE});
        byte[] bytes = EntryCodec.encodeNodeSnapshot(new byte[] {9, 8}, List.of(a, b), null);
        EntryCodec.NodeSnapshotParts parts = EntryCodec.decodeNodeSnapshot(1, bytes);
        assertArrayEquals(new byte[] {9, 8}, parts.state());
        assertEquals(2, parts.clients().size());
        for (int w = 0; w < 2; w++) {
            AppliedWindow written = List.of(a, b).get(w);
            AppliedWindow read = parts.clients().get(w);
            assertEquals(written.clientId(), read.clientId());
            assertArrayEquals(written.sequences(), read.sequences());
            assertArrayEquals(written.zxids(), read.zxids());
            assertArrayEquals(written.sessionIds(), read.sessionIds());
        }
    }

    @Test
    void aSnapshotWrittenRecordByRecordReadsAsOneWindowPerRunOfAClient() {
        NodeSnapshot.Builder old = NodeSnapshot.newBuilder();
        long[][] records = {{'a', 1, 10, 0}, {'a', 2, 11, 5}, {'b', 1, 12, 0}, {'a', 3, 13, 0}};
        for (long[] r : records) {
            old.addClients(ClientRecord.newBuilder().setClientId(String.valueOf((char) r[0])).setSequence(r[1]).setZxid(r[2])
                    .setSessionId(r[3]));
        }
        List<AppliedWindow> read = EntryCodec.decodeNodeSnapshot(1, old.build().toByteArray()).clients();
        assertEquals(List.of("a", "b", "a"), read.stream().map(AppliedWindow::clientId).toList());
        assertArrayEquals(new long[] {1, 2}, read.get(0).sequences());
        assertArrayEquals(new long[] {10, 11}, read.get(0).zxids());
        assertArrayEquals(new long[] {0, 5}, read.get(0).sessionIds());
        assertArrayEquals(new long[] {13}, read.get(2).zxids());
    }

    @Test
    void aWindowWhoseListsDifferInLengthIsRefusedWithTheClientNamed() {
        byte[] bytes = NodeSnapshot.newBuilder().addClientWindows(ClientWindow.newBuilder().setClientId("ctl-7").addSequences(1)
                .addSequences(2).addZxidDeltas(5).addSessionIds(0)).build().toByteArray();
        StateCodec.MalformedStateException refused = assertThrows(StateCodec.MalformedStateException.class,
                () -> EntryCodec.decodeNodeSnapshot(0x1_0000_0002L, bytes));
        assertTrue(refused.getMessage().contains("client ctl-7 has 2 sequences, 1 zxids and 1 session ids"), refused.getMessage());
    }
}
