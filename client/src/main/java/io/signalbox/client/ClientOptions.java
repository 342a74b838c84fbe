package io.signalbox.client;

import io.signalbox.protocol.HostPort;
import io.signalbox.tls.TlsFiles;
import java.util.List;
import java.util.UUID;

/**
 * How a client talks to the cluster.
 *
 * @param addresses          client ports of the nodes; any one will do
 * @param connectTimeoutMs   per connection attempt
 * @param requestTimeoutMs   per attempt of one request on one node
 * @param retryDeadlineMs    a request is retried (other nodes, backoff) until this much time has passed
 * @param outstandingMax     requests in flight on one connection, at most
 * @param clientId           names this client for at-most-once retries; each client instance appends its own suffix
 * @param tls                the CA (and this client's certificate and key) to connect over TLS with; null: plaintext
 * @param token              a bearer token sent as the first request of every connection (the node's auth.token.NAME);
 *                           null: none, the connection's identity is its certificate's CN (or anonymous)
 * @param commandsToLeader   commands go straight to the leader, learned from the node this client is connected to
 *                           (true by default); false: to that node, which forwards them
 */
public record ClientOptions(List<HostPort> addresses, int connectTimeoutMs, int requestTimeoutMs, int retryDeadlineMs,
                            int outstandingMax, String clientId, TlsFiles tls, String token, boolean commandsToLeader) {
    public ClientOptions {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("at least one node address is needed");
        }
        positive("connectTimeoutMs", connectTimeoutMs);
        positive("requestTimeoutMs", requestTimeoutMs);
        positive("retryDeadlineMs", retryDeadlineMs);
        positive("outstandingMax", outstandingMax);
        if (clientId == null || clientId.isEmpty() || clientId.length() > 128) {
            throw new IllegalArgumentException("clientId must be 1..128 characters, got \"" + clientId + "\"");
        }
        if (token != null && (token.isEmpty() || token.length() > 4_096 || !token.strip().equals(token))) {
            throw new IllegalArgumentException("a token must be 1..4096 characters without surrounding whitespace, got one of "
                    + token.length() + " characters");
        }
    }

    /** Without a token. */
    public ClientOptions(List<HostPort> addresses, int connectTimeoutMs, int requestTimeoutMs, int retryDeadlineMs, int outstandingMax,
                         String clientId, TlsFiles tls) {
        this(addresses, connectTimeoutMs, requestTimeoutMs, retryDeadlineMs, outstandingMax, clientId, tls, null, true);
    }

    /** Sends {@code bearerToken} first on every connection; null: none. */
    public ClientOptions withToken(String bearerToken) {
        return new ClientOptions(addresses, connectTimeoutMs, requestTimeoutMs, retryDeadlineMs, outstandingMax, clientId, tls, bearerToken,
                commandsToLeader);
    }

    /** Commands straight to the leader (true, the default) or to the connected node, which forwards them (false). */
    public ClientOptions withCommandsToLeader(boolean toLeader) {
        return new ClientOptions(addresses, connectTimeoutMs, requestTimeoutMs, retryDeadlineMs, outstandingMax, clientId, tls, token, toLeader);
    }

    /** The options without the token, for messages and logs. */
    @Override
    public String toString() {
        return "ClientOptions[addresses=" + addresses + ", clientId=" + clientId + ", tls=" + tls + ", token="
                + (token == null ? "none" : "(set)") + ", commandsToLeader=" + commandsToLeader + "]";
    }

    public static ClientOptions of(List<HostPort> addresses) {
        return new ClientOptions(addresses, 2_000, 5_000, 20_000, 10_000, UUID.randomUUID().toString(), null);
    }

    public static ClientOptions of(String addresses) {
        return of(HostPort.parseList(addresses));
    }

    public ClientOptions withRetryDeadlineMs(int ms) {
        return new ClientOptions(addresses, connectTimeoutMs, requestTimeoutMs, ms, outstandingMax, clientId, tls, token, commandsToLeader);
    }

    /** TLS with these files ({@link io.signalbox.tls.TlsOptions#files()} builds them from --ca/--cert/--key); null: plaintext. */
    public ClientOptions withTls(TlsFiles files) {
        return new ClientOptions(addresses, connectTimeoutMs, requestTimeoutMs, retryDeadlineMs, outstandingMax, clientId, files, token,
                commandsToLeader);
    }

    public ClientOptions withRequestTimeoutMs(int ms) {
        return new ClientOptions(addresses, connectTimeoutMs, ms, retryDeadlineMs, outstandingMax, clientId, tls, token, commandsToLeader);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
    }
}
