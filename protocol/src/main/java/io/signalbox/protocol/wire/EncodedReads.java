package io.signalbox.protocol.wire;

import com.google.protobuf.CodedOutputStream;
import io.signalbox.protocol.ReadResult;
import io.signalbox.protocol.Response;
import io.signalbox.state.Configuration;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A read's answer encoded once and addressed to each request that asks for it: a server that
 * answers many reads of one service at one zxid pays for the protobuf of its servers once, not
 * per read. The bytes are those {@link ClientWire#encode(Response)} gives for the same
 * {@link Response}, field for field (checked by {@code EncodedReadsTest}).
 */
public final class EncodedReads {
    private static final int REQUEST_ID_FIELD = io.signalbox.proto.client.Response.REQUEST_ID_FIELD_NUMBER;
    private static final int ZXID_FIELD = io.signalbox.proto.client.Response.ZXID_FIELD_NUMBER;
    private static final int READ_FIELD = io.signalbox.proto.client.Response.READ_FIELD_NUMBER;

    private EncodedReads() {}

    /** The body of {@code new Response(id, new ReadResult(configuration))}, without its request id. */
    public static byte[] body(Configuration configuration) {
        io.signalbox.proto.client.ReadResult read = ClientWire.toProto(new Response(0, new ReadResult(configuration))).getRead();
        byte[] readBytes = read.toByteArray();
        long zxid = configuration.zxid();
        int size = (zxid != 0 ? CodedOutputStream.computeFixed64Size(ZXID_FIELD, zxid) : 0)
                + CodedOutputStream.computeByteArraySize(READ_FIELD, readBytes);
        byte[] body = new byte[size];
        CodedOutputStream out = CodedOutputStream.newInstance(body);
        try {
            if (zxid != 0) {
                out.writeFixed64(ZXID_FIELD, zxid);
            }
            out.writeByteArray(READ_FIELD, readBytes);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding into an array of its computed size", e);
        }
        return body;
    }

    /** The whole response to {@code requestId}: its id, then {@code body} as {@link #body} made it. */
    public static byte[] response(long requestId, byte[] body) {
        int idSize = requestId != 0 ? CodedOutputStream.computeUInt64Size(REQUEST_ID_FIELD, requestId) : 0;
        byte[] response = new byte[idSize + body.length];
        if (requestId != 0) {
            CodedOutputStream out = CodedOutputStream.newInstance(response, 0, idSize);
            try {
                out.writeUInt64(REQUEST_ID_FIELD, requestId);
                out.checkNoSpaceLeft();
            } catch (IOException e) {
                throw new UncheckedIOException("encoding into an array of its computed size", e);
            }
        }
        System.arraycopy(body, 0, response, idSize, body.length);
        return response;
    }
}
