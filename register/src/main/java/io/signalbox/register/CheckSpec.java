package io.signalbox.register;

import io.signalbox.state.IpAddress;

/** How a backend is checked; {@link Checks} runs one. */
public sealed interface CheckSpec {
    /** A TCP connect to the backend's own address and port. */
    record Tcp(IpAddress address, int port) implements CheckSpec {
        @Override
        public String toString() {
            return "tcp " + Checks.hostPort(address, port);
        }
    }

    /** {@code GET path} on a loopback address or the backend's own; 2xx and 3xx pass, as in HAProxy's httpchk. */
    record Http(IpAddress address, int port, String path) implements CheckSpec {
        @Override
        public String toString() {
            return "http://" + Checks.hostPort(address, port) + path;
        }
    }

    /** A command run by {@code /bin/sh -c}; exit status 0 passes. */
    record Shell(String command) implements CheckSpec {
        @Override
        public String toString() {
            return "command " + command;
        }
    }
}
