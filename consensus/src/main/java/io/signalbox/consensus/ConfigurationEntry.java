package io.signalbox.consensus;

import io.signalbox.common.Zxid;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The core's own txn payload for a membership change. It starts with {@link #MARKER} (0x00),
 * which no node payload does: node payloads are protobuf messages and field number 0 is
 * invalid, so a protobuf encoding never starts with 0x00 ({@link ZabCore#propose} refuses
 * one that does). Then the format version, the voters and the observers as varints, and an
 * opaque node-layer blob (the members' addresses) the core hands back untouched.
 *
 * <p>Storage, the peer codec and the simulator's disk carry it as any other payload.
 */
public final class ConfigurationEntry {
    public static final byte MARKER = 0x00;
    static final int VERSION = 1;
    /** A configuration entry is small; anything larger is not one of ours. */
    static final int NODE_BLOB_BYTES_MAX = 64 * 1024;

    private ConfigurationEntry() {}

    /** True when {@code payload} is a configuration entry (its first byte is the marker). */
    public static boolean isConfiguration(byte[] payload) {
        return payload.length > 0 && payload[0] == MARKER;
    }

    /** The payload for {@code voters} and {@code observers} with the node layer's {@code nodeBlob}. */
    public static byte[] encode(List<Integer> voters, List<Integer> observers, byte[] nodeBlob) {
        if (!(nodeBlob.length <= NODE_BLOB_BYTES_MAX)) {
            throw Checks.badArgument("a configuration entry's node data has %d bytes, limit %d", nodeBlob.length, NODE_BLOB_BYTES_MAX);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + nodeBlob.length);
        out.write(MARKER);
        writeVarint(out, VERSION);
        writeIds(out, voters);
        writeIds(out, observers);
        writeVarint(out, nodeBlob.length);
        out.write(nodeBlob, 0, nodeBlob.length);
        return out.toByteArray();
    }

    /** The membership a configuration txn puts in force at its zxid. */
    public static Membership membership(Txn txn) {
        Reader reader = new Reader(txn);
        return new Membership(txn.zxid(), reader.ids(), reader.ids());
    }

    /** The node layer's blob of a configuration txn. */
    public static byte[] nodeBlob(Txn txn) {
        Reader reader = new Reader(txn);
        reader.ids();
        reader.ids();
        int length = reader.varint();
        return reader.bytes(length);
    }

    private static void writeIds(ByteArrayOutputStream out, List<Integer> ids) {
        writeVarint(out, ids.size());
        for (int id : ids) {
            writeVarint(out, id);
        }
    }

    private static void writeVarint(ByteArrayOutputStream out, int value) {
        int rest = value;
        while ((rest & ~0x7F) != 0) {
            out.write((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        out.write(rest);
    }

    /** Reads one configuration payload; every malformed byte is a clear error naming the zxid. */
    private static final class Reader {
        private final Txn txn;
        private final byte[] bytes;
        private int at;

        Reader(Txn txn) {
            this.txn = txn;
            this.bytes = txn.payload();
            if (!(isConfiguration(bytes))) {
                throw Checks.badArgument("txn %s is not a configuration entry", Zxid.format(txn.zxid()));
            }
            at = 1;
            int version = varint();
            if (!(version == VERSION)) {
                throw Checks.badArgument("configuration entry %s has version %d, this node reads %d",
                        Zxid.format(txn.zxid()), version, VERSION);
            }
        }

        List<Integer> ids() {
            int count = varint();
            if (!(count <= Membership.OBSERVERS_MAX)) {
                throw Checks.badArgument("configuration entry %s lists %d ids, limit %d", Zxid.format(txn.zxid()), count, Membership.OBSERVERS_MAX);
            }
            List<Integer> ids = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                ids.add(varint());
            }
            return ids;
        }

        int varint() {
            int value = 0;
            for (int shift = 0; shift < 32; shift += 7) {
                if (!(at < bytes.length)) {
                    throw Checks.badArgument("configuration entry %s is truncated at byte %d", Zxid.format(txn.zxid()), at);
                }
                byte next = bytes[at++];
                value |= (next & 0x7F) << shift;
                if ((next & 0x80) == 0) {
                    return value;
                }
            }
            throw Checks.badArgument("configuration entry %s has a varint longer than 5 bytes at byte %d", Zxid.format(txn.zxid()), at);
        }

        byte[] bytes(int length) {
            if (!(length >= 0 && length <= bytes.length - at)) {
                throw Checks.badArgument("configuration entry %s: node data of %d bytes, %d left", Zxid.format(txn.zxid()), length, bytes.length - at);
            }
            return Arrays.copyOfRange(bytes, at, at + length);
        }
    }
}
