package io.signalbox.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Base ports for {@link io.signalbox.server.NodeConfig#localMembers}: node i listens on base+i,
 * base+100+i and base+200+i of 127.0.0.1. A base is free when every one of those ports can be
 * bound now; tests that run one after another (or beside a developer's cluster on 7000) then
 * do not collide. Bases stay below the kernel's ephemeral range, so a node killed and
 * restarted does not find its port taken by some outgoing connection in between. A port taken
 * between the check and the server's bind fails that server's start with the port in the message.
 */
public final class FreePorts {
    private static final int ATTEMPTS_MAX = 200;

    private FreePorts() {}

    private static final int BASE_LOWEST = 20_000;

    /** A free base for {@code nodes} nodes, from 20,000 up to below the ephemeral port range. */
    public static int clusterBase(int nodes) {
        if (nodes < 1 || nodes > 99) {
            throw new IllegalArgumentException("nodes " + nodes + " is outside 1..99");
        }
        int bases = Math.max(1, (ephemeralPortsFrom() - 300 - BASE_LOWEST) / 300 + 1);
        for (int attempt = 0; attempt < ATTEMPTS_MAX; attempt++) {
            int base = BASE_LOWEST + 300 * ThreadLocalRandom.current().nextInt(bases);
            if (allFree(base, nodes)) {
                return base;
            }
        }
        throw new IllegalStateException("no free range of ports for " + nodes + " nodes after " + ATTEMPTS_MAX + " attempts");
    }

    /** The first port the kernel hands to outgoing connections (Linux's ip_local_port_range; 32,768 where unknown). */
    static int ephemeralPortsFrom() {
        try {
            // Read line by line: a /proc file reports size 0, and a read sized by it stops early.
            String range = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Math.max(BASE_LOWEST + 300, Integer.parseInt(range.split("\\s+")[0]));
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    /** One free port of 127.0.0.1. */
    public static int one() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind any port of 127.0.0.1: " + e.getMessage(), e);
        }
    }

    private static boolean allFree(int base, int nodes) {
        for (int i = 1; i <= nodes; i++) {
            for (int offset : new int[] {0, 100, 200}) {
                if (!free(base + offset + i)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
