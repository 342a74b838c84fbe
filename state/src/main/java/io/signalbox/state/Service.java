package io.signalbox.state;

/**
 * A load-balanced service. {@code version} is the zxid of its last change (0 until applied).
 *
 * @param healthCheck null when the service has none
 */
public record Service(String name, Mode mode, int listenPort, Balance balance, HealthCheck healthCheck,
                      int connectTimeoutMs, int clientTimeoutMs, int serverTimeoutMs, long version) {
    public Service withVersion(long newVersion) {
        return new Service(name, mode, listenPort, balance, healthCheck, connectTimeoutMs, clientTimeoutMs, serverTimeoutMs, newVersion);
    }
}
