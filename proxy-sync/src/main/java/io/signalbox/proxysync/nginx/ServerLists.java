package io.signalbox.proxysync.nginx;

import io.signalbox.common.Zxid;
import io.signalbox.proxysync.SafeValues;
import io.signalbox.state.Balance;
import io.signalbox.state.HealthCheck;
import io.signalbox.state.Server;
import io.signalbox.state.ServerState;
import io.signalbox.state.Service;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text the agent pushes to the Lua balancer ({@code signalbox_balancer.lua} parses and checks
 * it again): per service its balance, the passive health settings and one line per server,
 * {@code server IP PORT WEIGHT primary|backup up|down}. Every value goes through
 * {@link SafeValues}, so no space or newline can come from user text.
 *
 * <p>Mapping: DRAIN and MAINT are {@code down} (HTTP has no sessions to drain), weight 0 is down;
 * {@code max_fails} is the health check's fall and {@code fail_timeout} interval x fall, else
 * Nginx's defaults (1 and 10 s). Unlike reload mode, FIRST and backups under every balance are
 * kept: the Lua balancer implements them.
 */
final class ServerLists {
    /** What {@code signalbox_balancer.lua} accepts per list and per push; more is refused there too. */
    static final int MAX_SERVERS_PER_SERVICE = 4096;
    static final int MAX_SERVICES = 4096;
    static final int MAX_PUSH_BYTES = 4 * 1024 * 1024;

    private ServerLists() {}

    /** The list of one service. */
    static String list(Service service, List<Server> servers) {
        SafeValues.name("service.name", service.name());
        if (servers.size() > MAX_SERVERS_PER_SERVICE) {
            throw new IllegalArgumentException("service " + service.name() + " has " + servers.size() + " servers; the Lua balancer takes "
                    + MAX_SERVERS_PER_SERVICE + " at most");
        }
        StringBuilder out = new StringBuilder();
        out.append("balance ").append(balance(service.balance())).append('\n');
        HealthCheck health = service.healthCheck();
        int maxFails = 1;
        long failTimeoutMs = 10_000;
        if (health != null) {
            maxFails = SafeValues.range("healthCheck.fall", health.fall(), 1, 1_000);
            failTimeoutMs = (long) SafeValues.range("healthCheck.intervalMs", health.intervalMs(), 1, 86_400_000) * maxFails;
        }
        out.append("max_fails ").append(maxFails).append('\n');
        out.append("fail_timeout_ms ").append(Math.min(86_400_000, failTimeoutMs)).append('\n');
        for (Server server : servers) {
            int weight = SafeValues.weight("server.weight", server.weight());
            boolean up = weight > 0 && server.state() == ServerState.READY;
            out.append("server ").append(SafeValues.ipLiteral("server.address", server.address())).append(' ')
                    .append(SafeValues.port("server.port", server.port())).append(' ').append(weight)
                    .append(server.backup() ? " backup" : " primary").append(up ? " up" : " down").append('\n');
        }
        return out.toString();
    }

    /**
     * One push: the version, every service Nginx should balance, and the lists that changed
     * ({@code changed} maps a service to its {@link #list}).
     */
    static String push(long zxid, List<String> services, Map<String, String> changed) {
        if (services.size() > MAX_SERVICES) {
            throw new IllegalArgumentException(services.size() + " services; the Lua balancer takes " + MAX_SERVICES + " at most");
        }
        StringBuilder out = new StringBuilder("version ").append(Zxid.format(zxid)).append("\nservices");
        for (String service : services) {
            out.append(' ').append(SafeValues.name("service.name", service));
        }
        out.append('\n');
        changed.forEach((service, list) -> out.append("list ").append(SafeValues.name("service.name", service)).append('\n')
                .append(list).append("end\n"));
        if (out.length() > MAX_PUSH_BYTES) {
            throw new IllegalArgumentException("a push of " + out.length() + " bytes is over the endpoint's " + MAX_PUSH_BYTES + "-byte limit");
        }
        return out.toString();
    }

    private static String balance(Balance balance) {
        return balance.name().toLowerCase(Locale.ROOT);
    }
}
