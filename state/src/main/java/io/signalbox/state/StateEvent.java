package io.signalbox.state;

/**
 * What happened to the configuration; the log carries these. Applying them is total and
 * deterministic: every node, and every sync agent, folds the same events into the same state.
 */
public sealed interface StateEvent {
    /** A service was created or replaced (its servers stay). */
    record ServicePut(Service service) implements StateEvent {}

    /** A service was removed; with {@code cascade}, its servers went with it. */
    record ServiceRemoved(String name, boolean cascade) implements StateEvent {}

    /** A server was registered or replaced. */
    record ServerRegistered(Server server) implements StateEvent {}

    record ServerWeightSet(ServerKey server, int weight) implements StateEvent {}

    record ServerStateSet(ServerKey server, ServerState state) implements StateEvent {}

    record ServerDeregistered(ServerKey server) implements StateEvent {}

    record SessionOpened(long id, int timeoutMs) implements StateEvent {}

    /** The session closed or expired; every server it registered is removed by this same event. */
    record SessionEnded(long id, boolean expired) implements StateEvent {}

    /** {@code identity} now holds {@code grant} (it keeps the others it had). */
    record RoleGranted(String identity, Grant grant) implements StateEvent {}

    /** {@code identity} no longer holds {@code grant}. */
    record RoleRevoked(String identity, Grant grant) implements StateEvent {}
}
