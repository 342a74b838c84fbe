package io.signalbox.protocol;

import java.util.List;
import java.util.Objects;

/**
 * What a sync agent tells the cluster after each pass and every few seconds (like an Envoy
 * xDS ACK/NACK): the zxid its proxy runs, and the last failure if the last pass failed. The
 * leader keeps the latest report of each agent in memory; agents repeat them, so a new leader
 * learns within one report interval.
 *
 * @param agentId         1..128 printable characters, unique per proxy
 * @param proxy           "haproxy" or "nginx"
 * @param services        the agent's scope; empty: every service
 * @param appliedZxid     the proxy runs the configuration as of this zxid
 * @param failedZxid      0 unless the last pass failed
 * @param failure         the reason, in the proxy's words
 * @param repairs         drift repairs: differences found in the proxy and put back
 */
public record ProxyReport(String agentId, String proxy, List<String> services, long appliedZxid, long failedZxid, String failure,
                          long reloads, long runtimeCommands, long repairs) implements ClientRequest {
    public ProxyReport {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(proxy, "proxy");
        services = List.copyOf(services);
        failure = failure == null ? "" : failure;
    }
}
