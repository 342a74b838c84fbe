package io.signalbox.proxysync.haproxy;

import io.signalbox.proxysync.SafeValues;
import io.signalbox.state.IpAddress;
import io.signalbox.state.ServerState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HAProxy's Runtime API on its admin socket: either one connection per command (the
 * non-interactive mode HAProxy closes after replying), or, from {@link #session(Path)}, one
 * interactive connection for a whole burst of commands. Every command is built from typed
 * values checked by {@link SafeValues} (never a {@code ;}, which would chain a second
 * command), and every reply checked: a command whose reply is not the expected one throws
 * {@link RuntimeCommandException} with HAProxy's words.
 */
public final class HaproxyRuntime implements AutoCloseable {
    /** A command HAProxy refused; {@code reply} is what it said. */
    public static final class RuntimeCommandException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public RuntimeCommandException(String command, String reply) {
            super("HAProxy refused \"" + command + "\": " + reply.strip());
        }
    }

    /** One line of {@code show servers state}. */
    public record ServerStatus(String backend, String server, String address, int port, int userWeight, int adminStateBits,
                               int operationalState) {
        /** The service this backend renders, or null for a backend Signalbox did not render. */
        public String service() {
            return backend.startsWith("be_") ? backend.substring(3) : null;
        }

        /**
         * Forced maintenance (0x01). A server rendered {@code disabled} starts with 0x05; once set
         * ready it keeps the configuration bit 0x04 but serves, so 0x04 alone is not maintenance.
         */
        public boolean maintenance() {
            return (adminStateBits & 0x01) != 0;
        }

        public boolean draining() {
            return (adminStateBits & 0x08) != 0;
        }
    }

    private final Path socket;
    private final PromptSession session;

    /** One connection per command. */
    public HaproxyRuntime(Path socket) {
        this.socket = socket;
        this.session = null;
    }

    private HaproxyRuntime(Path socket, PromptSession session) {
        this.socket = socket;
        this.session = session;
    }

    /** One interactive connection for many commands; close it when the burst is done. */
    public static HaproxyRuntime session(Path socket) {
        try {
            return new HaproxyRuntime(socket, new PromptSession(socket));
        } catch (IOException e) {
            throw new RuntimeCommandException("prompt", "cannot talk to " + socket + ": " + e.getMessage());
        }
    }

    /** The backends HAProxy runs ({@code show backend}), including ones without servers. */
    public List<String> backends() {
        List<String> backends = new ArrayList<>();
        for (String line : send("show backend").split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                backends.add(line.strip());
            }
        }
        return backends;
    }

    public void setWeight(String service, String server, int weight) {
        expectEmpty("set server " + target(service, server) + " weight " + SafeValues.weight("weight", weight));
    }

    public void setState(String service, String server, ServerState state) {
        expectEmpty("set server " + target(service, server) + " state " + state.name().toLowerCase(Locale.ROOT));
    }

    /** Changes address and port; HAProxy answers with a sentence describing the change. */
    public void setAddress(String service, String server, IpAddress address, int port) {
        String command = "set server " + target(service, server) + " addr " + SafeValues.ipLiteral("address", address)
                + " port " + SafeValues.port("port", port);
        String reply = send(command);
        if (!(reply.isBlank() || reply.contains("changed") || reply.contains("no need to change"))) {
            throw new RuntimeCommandException(command, reply);
        }
    }

    /** Adds a server in maintenance, as HAProxy does; the caller then sets it ready and enables health checks. */
    public void addServer(String service, String server, IpAddress address, int port, int weight, String checkArguments,
                          boolean backup) {
        String ip = SafeValues.ipLiteral("address", address);
        StringBuilder command = new StringBuilder("add server ").append(target(service, server)).append(' ')
                .append(ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip).append(':').append(SafeValues.port("port", port))
                .append(" weight ").append(SafeValues.weight("weight", weight));
        if (!checkArguments.isEmpty()) {
            if (!checkArguments.matches("check inter [0-9]{1,8}ms rise [0-9]{1,4} fall [0-9]{1,4}")) {
                throw new io.signalbox.proxysync.RenderException("checkArguments", checkArguments, "is not a rendered health check");
            }
            command.append(' ').append(checkArguments);
        }
        if (backup) {
            command.append(" backup");
        }
        expectContains(command.toString(), "New server registered.");
    }

    public void enableHealth(String service, String server) {
        expectEmpty("enable health " + target(service, server));
    }

    /** Removes a server; HAProxy accepts it only in maintenance and without connections. */
    public void deleteServer(String service, String server) {
        expectContains("del server " + target(service, server), "Server deleted.");
    }

    public void shutdownSessions(String service, String server) {
        expectEmpty("shutdown sessions server " + target(service, server));
    }

    /** {@code show servers state}: every server of every backend, as HAProxy runs it now. */
    public List<ServerStatus> serversState() {
        String reply = send("show servers state");
        List<ServerStatus> servers = new ArrayList<>();
        for (String line : reply.split("\n")) {
            if (line.isBlank() || line.startsWith("#") || line.equals("1")) {
                continue;
            }
            String[] f = line.trim().split(" ");
            if (f.length < 19) {
                throw new RuntimeCommandException("show servers state", "unexpected line \"" + line + "\"");
            }
            servers.add(new ServerStatus(f[1], f[3], f[4], Integer.parseInt(f[18]), Integer.parseInt(f[7]), Integer.parseInt(f[6]),
                    Integer.parseInt(f[5])));
        }
        return servers;
    }

    private void expectEmpty(String command) {
        String reply = send(command);
        if (!reply.isBlank()) {
            throw new RuntimeCommandException(command, reply);
        }
    }

    private void expectContains(String command, String expected) {
        String reply = send(command);
        if (!reply.contains(expected)) {
            throw new RuntimeCommandException(command, reply);
        }
    }

    /** {@code be_<service>/<server>}, both names checked: the backends are the renderer's. */
    private static String target(String service, String server) {
        return "be_" + SafeValues.name("service", service) + "/" + SafeValues.name("server", server);
    }

    /** Sends one command line and reads the whole reply. */
    String send(String command) {
        try {
            return session != null ? session.send(command) : CommandSocket.send(socket, command);
        } catch (IOException e) {
            throw new RuntimeCommandException(command, "cannot talk to " + socket + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
    }
}
