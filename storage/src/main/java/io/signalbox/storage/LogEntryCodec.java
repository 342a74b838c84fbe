package io.signalbox.storage;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.signalbox.common.Zxid;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Encodes log entries in the protobuf envelope ({@code signalbox_log.proto}) with a
 * CRC32C over zxid, epoch and payload. The checksum is verified right after encoding
 * (before the bytes go to disk) and on every decode.
 */
public final class LogEntryCodec {
    private LogEntryCodec() {}

    public static byte[] encode(LogEntry entry) {
        int crc = checksum(entry.zxid(), entry.epoch(), entry.payload());
        byte[] bytes = io.signalbox.proto.log.LogEntry.newBuilder()
                .setZxid(entry.zxid())
                .setEpoch(entry.epoch())
                .setPayload(ByteString.copyFrom(entry.payload()))
                .setCrc32C(crc)
                .build()
                .toByteArray();
        return bytes;
    }

    /**
     * Decodes and verifies one record.
     *
     * @param expectedZxid the zxid the caller expects there (for the error message), or -1
     * @throws CorruptLogException if the record does not parse or fails its checksum
     */
    public static LogEntry decode(byte[] record, long expectedZxid) {
        io.signalbox.proto.log.LogEntry proto;
        try {
            proto = io.signalbox.proto.log.LogEntry.parseFrom(record);
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptLogException(Math.max(expectedZxid, 0), "unparseable record of " + record.length + " bytes");
        }
        byte[] payload = proto.getPayload().toByteArray();
        int crc = checksum(proto.getZxid(), proto.getEpoch(), payload);
        if (crc != proto.getCrc32C()) {
            throw new CorruptLogException(proto.getZxid(), String.format("crc32c %08x, stored %08x", crc, proto.getCrc32C()));
        }
        if (expectedZxid >= 0 && proto.getZxid() != expectedZxid) {
            throw new CorruptLogException(expectedZxid, "record holds zxid " + Zxid.format(proto.getZxid()));
        }
        try {
            return new LogEntry(proto.getZxid(), proto.getEpoch(), payload);
        } catch (IllegalArgumentException e) {
            throw new CorruptLogException(proto.getZxid(), e.getMessage());
        }
    }

    public static int checksum(long zxid, long epoch, byte[] payload) {
        CRC32C crc = new CRC32C();
        ByteBuffer header = ByteBuffer.allocate(16).putLong(zxid).putLong(epoch).flip();
        crc.update(header);
        crc.update(payload);
        return (int) crc.getValue();
    }
}
