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

    @Test
    void theBytesAreExactlyWhatTheGeneratedCodeWritesAndReadsBack() {
        java.util.Random random = new java.util.Random(11);
        MembershipCodec.ConfigurationRecord configuration = new MembershipCodec.ConfigurationRecord(0x3_0000_0007L, List.of(1, 2, 3),
                List.of(4), List.of(new MembershipCodec.MemberRecord(1, "127.0.0.1:7001", "127.0.0.1:7101", "127.0.0.1:7201")));
        for (int round = 0; round < 200; round++) {
            List<AppliedWindow> windows = new java.util.ArrayList<>();
            for (int w = random.nextInt(5); w > 0; w--) {
                int size = random.nextInt(40);
                long[] sequences = new long[size];
                long[] zxids = new long[size];
                long[] sessionIds = new long[size];
                for (int i = 0; i < size; i++) {
                    sequences[i] = random.nextInt(3) == 0 ? random.nextLong() : i + random.nextInt(3);
                    zxids[i] = random.nextInt(3) == 0 ? random.nextLong() : 0x1_0000_0000L + random.nextInt(1_000);
                    sessionIds[i] = random.nextInt(2) == 0 ? 0 : random.nextLong();
                }
                windows.add(new AppliedWindow(random.nextInt(4) == 0 ? "" : "client-" + w, sequences, zxids, sessionIds));
            }
            byte[] state = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(300)];
            random.nextBytes(state);
            MembershipCodec.ConfigurationRecord inForce = random.nextBoolean() ? configuration : null;
            NodeSnapshot.Builder generated = NodeSnapshot.newBuilder().setState(com.google.protobuf.ByteString.copyFrom(state));
            if (inForce != null) {
                generated.setMembership(MembershipCodec.toWire(inForce));
            }
            for (AppliedWindow window : windows) {
                ClientWindow.Builder wire = ClientWindow.newBuilder().setClientId(window.clientId());
                for (int i = 0; i < window.size(); i++) {
                    wire.addSequences(window.sequences()[i]).addZxidDeltas(window.zxids()[i] - (i == 0 ? 0 : window.zxids()[i - 1]))
                            .addSessionIds(window.sessionIds()[i]);
                }
                generated.addClientWindows(wire);
            }
            byte[] bytes = EntryCodec.encodeNodeSnapshot(state, windows, inForce);
            assertArrayEquals(generated.build().toByteArray(), bytes, "round " + round);
            EntryCodec.NodeSnapshotParts parts = EntryCodec.decodeNodeSnapshot(1, bytes);
            assertArrayEquals(state, parts.state());
            assertEquals(inForce, parts.configuration());
            assertEquals(windows.size(), parts.clients().size());
            for (int w = 0; w < windows.size(); w++) {
                assertEquals(windows.get(w).clientId(), parts.clients().get(w).clientId());
                assertArrayEquals(windows.get(w).sequences(), parts.clients().get(w).sequences());
                assertArrayEquals(windows.get(w).zxids(), parts.clients().get(w).zxids());
                assertArrayEquals(windows.get(w).sessionIds(), parts.clients().get(w).sessionIds());
            }
        }
    }

    @Test
    void listsWrittenOneValuePerTagAndUnknownFieldsStillRead() throws java.io.IOException {
        java.io.ByteArrayOutputStream window = new java.io.ByteArrayOutputStream();
        com.google.protobuf.CodedOutputStream out = com.google.protobuf.CodedOutputStream.newInstance(window);
        out.writeString(ClientWindow.CLIENT_ID_FIELD_NUMBER, "ctl-1");
        for (long value : new long[] {7, 9}) {
            out.writeUInt64(ClientWindow.SEQUENCES_FIELD_NUMBER, value);
        }
        out.writeSInt64(ClientWindow.ZXID_DELTAS_FIELD_NUMBER, 0x1_0000_0004L);
        out.writeSInt64(ClientWindow.ZXID_DELTAS_FIELD_NUMBER, -2);
        out.writeUInt64(ClientWindow.SESSION_IDS_FIELD_NUMBER, 0);
        out.writeUInt64(ClientWindow.SESSION_IDS_FIELD_NUMBER, 3);
        out.writeFixed32(15, 42); // a field a later version may add
        out.flush();
        byte[] bytes = NodeSnapshot.newBuilder().addClientWindows(ClientWindow.parseFrom(window.toByteArray())).build().toByteArray();
        java.io.ByteArrayOutputStream snapshot = new java.io.ByteArrayOutputStream();
        com.google.protobuf.CodedOutputStream top = com.google.protobuf.CodedOutputStream.newInstance(snapshot);
        top.writeByteArray(NodeSnapshot.CLIENT_WINDOWS_FIELD_NUMBER, window.toByteArray());
        top.writeUInt64(20, 5);
        top.flush();
        for (byte[] written : List.of(bytes, snapshot.toByteArray())) {
            AppliedWindow read = EntryCodec.decodeNodeSnapshot(1, written).clients().get(0);
            assertEquals("ctl-1", read.clientId());
            assertArrayEquals(new long[] {7, 9}, read.sequences());
            assertArrayEquals(new long[] {0x1_0000_0004L, 0x1_0000_0002L}, read.zxids());
            assertArrayEquals(new long[] {0, 3}, read.sessionIds());
        }
    }

    @Test
    void aTruncatedSnapshotIsRefusedWithItsZxid() {
        byte[] bytes = EntryCodec.encodeNodeSnapshot(new byte[] {1, 2, 3}, List.of(new AppliedWindow("a", new long[] {1}, new long[] {2},
                new long[] {0})), null);
        StateCodec.MalformedStateException refused = assertThrows(StateCodec.MalformedStateException.class,
                () -> EntryCodec.decodeNodeSnapshot(0x1_0000_0002L, java.util.Arrays.copyOf(bytes, bytes.length - 2)));
        assertTrue(refused.getMessage().startsWith("snapshot at 1:2 does not decode"), refused.getMessage());
        byte[] window = {(byte) (ClientWindow.SEQUENCES_FIELD_NUMBER << 3 | 2), 2, 5, (byte) 0x81}; // the second value never ends
        byte[] cut = new byte[] {(byte) (NodeSnapshot.CLIENT_WINDOWS_FIELD_NUMBER << 3 | 2), (byte) window.length, window[0], window[1],
                window[2], window[3]};
        StateCodec.MalformedStateException inside = assertThrows(StateCodec.MalformedStateException.class,
                () -> EntryCodec.decodeNodeSnapshot(0x1_0000_0002L, cut));
        assertTrue(inside.getMessage().contains("a packed list ends inside a value"), inside.getMessage());
    }
}
