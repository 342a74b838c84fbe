package io.signalbox.state;

import java.util.List;
import java.util.Map;

/**
 * What clients ask for. Values arrive as given (strings, ints) and are validated by
 * {@link LbStateMachine#prepare}. {@code expectVersion}: null means unconditional, 0 means
 * "must not exist yet", anything else must equal the entity's current version.
 */
public sealed interface Command {
    record PutService(String name, String mode, int listenPort, String balance, HealthCheck healthCheck,
                      int connectTimeoutMs, int clientTimeoutMs, int serverTimeoutMs, Long expectVersion) implements Command {}

    record RemoveService(String name, boolean cascade, Long expectVersion) implements Command {}

    /** Upsert; with {@code sessionId} != 0 the server is ephemeral, owned by that session. */
    record RegisterServer(String service, String name, String address, int port, int weight, String state, boolean backup,
                          Map<String, String> labels, long sessionId, Long expectVersion) implements Command {}

    record SetWeight(String service, String name, int weight, Long expectVersion) implements Command {}

    record SetState(String service, String name, String state, Long expectVersion) implements Command {}

    record DeregisterServer(String service, String name, Long expectVersion) implements Command {}

    record OpenSession(int timeoutMs) implements Command {}

    /** Validated here; the leader's session tracker refreshes the deadline; nothing is logged (as in ZooKeeper). */
    record KeepAlive(long sessionId) implements Command {}

    record CloseSession(long sessionId) implements Command {}

    /** Proposed by the leader when a session's deadline passed; clients cannot send it. */
    record ExpireSession(long sessionId) implements Command {}

    /** Gives {@code identity} a role; {@code scope} (null or {@code *}: every service) only for {@code operate}. */
    record GrantRole(String identity, String role, String scope) implements Command {}

    /** Takes one grant back; the last {@code admin} grant cannot be revoked. */
    record RevokeRole(String identity, String role, String scope) implements Command {}

    /** All or none, in order; later commands see the effects of earlier ones. No nesting. */
    record Multi(List<Command> commands) implements Command {}
}
