package io.signalbox.protocol.wire;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;

/**
 * The framing of every Signalbox TCP link (peers and clients): a 4-byte big-endian length,
 * then one protobuf message. A frame longer than {@link #FRAME_BYTES_MAX} fails the decoder
 * before anything is allocated for it, and the connection is closed.
 */
public final class Frames {
    /** Largest frame on any link. */
    public static final int FRAME_BYTES_MAX = 8 << 20;

    private Frames() {}

    public static void install(ChannelPipeline pipeline) {
        pipeline.addLast("frame-decoder", new LengthFieldBasedFrameDecoder(FRAME_BYTES_MAX, 0, 4, 0, 4));
        pipeline.addLast("frame-encoder", new LengthFieldPrepender(4));
    }
}
