package io.signalbox.protocol;

import io.signalbox.state.Command;
import java.util.Objects;

/**
 * A command, stamped so that a retry applies at most once: the cluster remembers the last
 * sequences (and their results) of each {@code clientId}. An empty client id opts out.
 * {@code identity} is who sends it, as the node that took it from a client established it
 * (never what the client said); it travels with the command when a follower forwards it.
 */
public record CommandRequest(String clientId, long sequence, Command command, String identity) implements ClientRequest {
    public CommandRequest {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(identity, "identity");
    }

    /** As a client sends it: the node fills in the identity. */
    public CommandRequest(String clientId, long sequence, Command command) {
        this(clientId, sequence, command, "");
    }

    public CommandRequest as(String identity) {
        return new CommandRequest(clientId, sequence, command, identity);
    }
}
