package io.signalbox.register;

import io.signalbox.state.IpAddress;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One backend the sidecar keeps registered while its check passes: the server as the cluster
 * should have it, and how to check it. Built by {@link RegisterConfig}, which checks every value.
 *
 * @param intervalMs between the starts of two checks
 * @param timeoutMs  a check that has not answered by then failed; at most {@code intervalMs}
 * @param rise       passes in a row before the server is registered (again)
 * @param fall       failures in a row before it is drained or removed
 */
public record Registration(String service, String name, IpAddress address, int port, int weight, boolean backup,
                           SortedMap<String, String> labels, CheckSpec check, long intervalMs, long timeoutMs, int rise, int fall,
                           OnFailure onFailure) {
    /** What a failing backend becomes: DRAIN keeps it listed (operators see why), REMOVE deregisters it. */
    public enum OnFailure { DRAIN, REMOVE }

    public Registration {
        labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }

    /** {@code service/name}, as every log line and metric names it. */
    public String key() {
        return service + "/" + name;
    }
}
