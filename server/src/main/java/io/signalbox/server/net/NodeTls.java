package io.signalbox.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import io.signalbox.server.NodeConfig;
import io.signalbox.tls.MemberNames;
import io.signalbox.tls.PemTls;
import io.signalbox.tls.ReloadingSslContext;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS for a node's three ports. Each new connection gets a fresh engine from a context that
 * follows the PEM files ({@link ReloadingSslContext}), so a rotated certificate is used from the
 * next connection on. In front of the engine a gate refuses plaintext at once, with an answer
 * the port's clients understand; a handshake not done within {@code handshakeTimeoutMs} is
 * closed; after a handshake, the port's own check (the peer port: the certificate names a
 * member) accepts or refuses. Every refusal is one log line with the remote address and the
 * reason. Connections that pass carry the peer certificate's subject in {@link #PEER_SUBJECT}:
 * the identity a later step authorizes.
 */
public final class NodeTls {
    private static final Logger LOG = LoggerFactory.getLogger(NodeTls.class);
    /** The subject of the certificate the other side presented, once the handshake passed ("" when it presented none). */
    public static final AttributeKey<String> PEER_SUBJECT = AttributeKey.valueOf("signalbox.peerSubject");
    /** On the peer port: the member id the other side's certificate names. */
    public static final AttributeKey<Integer> CERTIFIED_MEMBER = AttributeKey.valueOf("signalbox.certifiedMember");
    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf("signalbox.tlsRefused");

    /** Fired down the pipeline when the handshake and the port's own check passed. */
    public static final Object VERIFIED = new Object() {
        @Override
        public String toString() {
            return "TLS verified";
        }
    };

    /** The three listening ports, and who must show a certificate on each. */
    public enum Port { PEER, CLIENT, ADMIN }

    private final int nodeId;
    private final int handshakeTimeoutMs;
    private final Map<Port, ReloadingSslContext> servers;
    private final ReloadingSslContext dialer;

    public NodeTls(int nodeId, NodeConfig.Tls tls) {
        this.nodeId = nodeId;
        this.handshakeTimeoutMs = tls.handshakeTimeoutMs();
        String name = "node " + nodeId;
        this.servers = Map.of(
                Port.PEER, new ReloadingSslContext(name + " peer port", tls.files(), f -> PemTls.server(f, ClientAuth.REQUIRE)),
                Port.CLIENT, new ReloadingSslContext(name + " client port", tls.files(), f -> PemTls.server(f, tls.clientAuth())),
                Port.ADMIN, new ReloadingSslContext(name + " admin port", tls.files(), f -> PemTls.server(f, ClientAuth.NONE)));
        this.dialer = new ReloadingSslContext(name + " peer links", tls.files(), PemTls::client);
    }

    /**
     * Puts TLS first in an accepted channel's pipeline. {@code plaintextAnswer} is written (unencrypted)
     * to a client that speaks plaintext, before the connection is closed; {@code check} returns null to
     * accept a handshaken session, or the reason to refuse it.
     */
    public void acceptOn(SocketChannel channel, Port port, byte[] plaintextAnswer, Function<SSLSession, String> check) {
        SslHandler ssl = servers.get(port).current().newHandler(channel.alloc());
        ssl.setHandshakeTimeoutMillis(handshakeTimeoutMs);
        channel.pipeline().addFirst("tls-outcome", new Outcome(port, check));
        channel.pipeline().addFirst("tls", ssl);
        channel.pipeline().addFirst("tls-plaintext-gate", new PlaintextGate(port, plaintextAnswer));
    }

    /** Puts TLS first in a dialed peer link's pipeline; {@code check} as in {@link #acceptOn}. */
    public void dialOn(SocketChannel channel, InetSocketAddress to, Function<SSLSession, String> check) {
        SslHandler ssl = dialer.current().newHandler(channel.alloc(), to.getHostString(), to.getPort());
        ssl.setHandshakeTimeoutMillis(handshakeTimeoutMs);
        channel.pipeline().addFirst("tls-outcome", new Outcome(Port.PEER, check));
        channel.pipeline().addFirst("tls", ssl);
    }

    /** The peer port's check of an accepted link: the certificate names one of {@code members}. */
    public static Function<SSLSession, String> namesOneOf(List<Integer> members, SocketChannel channel) {
        return session -> {
            X509Certificate certificate = MemberNames.peerCertificate(session);
            String commonName = certificate == null ? "" : MemberNames.commonName(certificate);
            var member = MemberNames.memberId(commonName);
            if (member.isEmpty() || !members.contains(member.getAsInt())) {
                return "its certificate (CN=" + commonName + ") names no member of this cluster; members are "
                        + members.stream().map(MemberNames::commonNameOfMember).toList();
            }
            channel.attr(CERTIFIED_MEMBER).set(member.getAsInt());
            return null;
        };
    }

    /** A dialed link's check: the node that answered has the certificate of the member dialed. */
    public static Function<SSLSession, String> names(int member) {
        return session -> {
            X509Certificate certificate = MemberNames.peerCertificate(session);
            String commonName = certificate == null ? "" : MemberNames.commonName(certificate);
            return commonName.equals(MemberNames.commonNameOfMember(member)) ? null
                    : "it answered with a certificate for CN=" + commonName + ", not " + MemberNames.commonNameOfMember(member);
        };
    }

    /** Logs and closes: one line per refused connection, naming the remote address and why. */
    void refuse(ChannelHandlerContext ctx, Port port, String reason) {
        ctx.channel().attr(REFUSED).set(true);
        LOG.warn("node {}: refused a connection on the {} port from {}: {}", nodeId, port.name().toLowerCase(java.util.Locale.ROOT),
                ctx.channel().remoteAddress(), reason);
        ctx.close();
    }

    private final class Outcome extends ChannelInboundHandlerAdapter {
        private final Port port;
        private final Function<SSLSession, String> check;

        Outcome(Port port, Function<SSLSession, String> check) {
            this.port = port;
            this.check = check;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (!(event instanceof SslHandshakeCompletionEvent done)) {
                super.userEventTriggered(ctx, event);
                return;
            }
            if (Boolean.TRUE.equals(ctx.channel().attr(REFUSED).get())) {
                return;
            }
            if (!done.isSuccess()) {
                refuse(ctx, port, "TLS handshake failed: " + describe(done.cause()));
                return;
            }
            SSLEngine engine = ctx.pipeline().get(SslHandler.class).engine();
            String reason = check == null ? null : check.apply(engine.getSession());
            if (reason != null) {
                refuse(ctx, port, reason);
                return;
            }
            X509Certificate certificate = MemberNames.peerCertificate(engine.getSession());
            ctx.channel().attr(PEER_SUBJECT).set(certificate == null ? "" : certificate.getSubjectX500Principal().getName());
            ctx.fireUserEventTriggered(VERIFIED);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            if (ssl == null || !ssl.handshakeFuture().isSuccess()) {
                ctx.close(); // a failed handshake: the completion event logs why
                return;
            }
            ctx.fireExceptionCaught(cause);
        }
    }

    /** Every distinct message down the cause chain: providers wrap the useful one ("validity check failed") in generic ones. */
    static String describe(Throwable cause) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (text.indexOf(message) < 0) {
                text.append(text.length() == 0 ? "" : "; ").append(message);
            }
            if (text.length() > 500) {
                break;
            }
        }
        return text.toString();
    }

    /** Lets TLS records through (and steps aside); answers anything else in plaintext and closes. */
    private final class PlaintextGate extends ByteToMessageDecoder {
        private final Port port;
        private final byte[] answer;

        PlaintextGate(Port port, byte[] answer) {
            this.port = port;
            this.answer = answer;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (in.readableBytes() < 5) {
                return; // a TLS record header is 5 bytes; a stalled client is closed by the handshake timeout
            }
            if (SslHandler.isEncrypted(in)) {
                ctx.pipeline().remove(this);
                return;
            }
            in.skipBytes(in.readableBytes());
            ctx.channel().attr(REFUSED).set(true);
            LOG.warn("node {}: refused a connection on the {} port from {}: plaintext on a TLS port", nodeId,
                    port.name().toLowerCase(java.util.Locale.ROOT), ctx.channel().remoteAddress());
            if (answer.length == 0) {
                ctx.close();
            } else {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(answer)).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
