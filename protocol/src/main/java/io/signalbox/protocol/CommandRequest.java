package io.signalbox.protocol;

import io.signalbox.state.Command;
import java.util.Objects;

/**
 * A command, stamped so that a retry applies at most once: the cluster remembers the last
 * sequences (and their results) of each {@code clientId}. An empty client id opts out.
 */
public record CommandRequest(String clientId, long sequence, Command command) implements ClientRequest {
    public CommandRequest {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(command, "command");
    }
}
