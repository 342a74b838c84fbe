package io.signalbox.protocol.wire;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * Which Netty transport the node and the client run on: Linux's native epoll where its library
 * loads (fewer system calls and wake-ups per message than the JDK's selector, measured in
 * docs/benchmarks.md), the JDK's NIO elsewhere or when {@value #NIO_PROPERTY} is true. The channel
 * classes must match the group's kind, so they are asked of the group a channel will run on.
 */
public final class NettyTransport {
    /** Forces NIO even where epoll is available, to rule the native transport out when diagnosing. */
    public static final String NIO_PROPERTY = "signalbox.netty.nio";

    private NettyTransport() {
    }

    /** True when new groups use epoll. */
    public static boolean epoll() {
        return !Boolean.getBoolean(NIO_PROPERTY) && Epoll.isAvailable();
    }

    /** "epoll" or "nio (REASON)", for the node's start line. */
    public static String describe() {
        if (Boolean.getBoolean(NIO_PROPERTY)) {
            return "nio (" + NIO_PROPERTY + "=true)";
        }
        return Epoll.isAvailable() ? "epoll" : "nio (epoll unavailable: " + Epoll.unavailabilityCause() + ")";
    }

    public static EventLoopGroup group(int threads, ThreadFactory threadFactory) {
        return epoll() ? new EpollEventLoopGroup(threads, threadFactory) : new NioEventLoopGroup(threads, threadFactory);
    }

    public static Class<? extends SocketChannel> socketChannel(EventLoopGroup group) {
        return group instanceof EpollEventLoopGroup ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public static Class<? extends ServerChannel> serverChannel(EventLoopGroup group) {
        return group instanceof EpollEventLoopGroup ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
