package io.signalbox.proxysync.nginx;

import io.signalbox.common.Zxid;
import io.signalbox.proxysync.SafeValues;
import io.signalbox.state.Balance;
import io.signalbox.state.Configuration;
import io.signalbox.state.HealthCheck;
import io.signalbox.state.Mode;
import io.signalbox.state.Server;
import io.signalbox.state.ServerState;
import io.signalbox.state.Service;
import java.util.List;

/**
 * Renders the file the Nginx agent owns: one {@code upstream sb_<service>} per HTTP service,
 * a small server answering {@code /__signalbox/version} with the zxid the file was rendered
 * at, and, in managed mode, a {@code server} per service that listens on its port and proxies
 * to its upstream. Every value is typed and checked again by {@link SafeValues} as it is
 * written (Nginx's own {@code nginx -t} is no defence: an address carrying {@code ; }} can
 * pass it), and nothing is concatenated from user text.
 *
 * <p>Mapping (open source Nginx 1.22 has no drain and no runtime API): weight 0, DRAIN and
 * MAINT become {@code down}; {@code max_fails}/{@code fail_timeout} come from the health check
 * (fall, and interval x fall); balance LEASTCONN is {@code least_conn}, RANDOM {@code random},
 * SOURCE {@code hash $remote_addr consistent}, ROUNDROBIN and FIRST (which Nginx lacks) round
 * robin. Backup servers are {@code backup}, except with hash and random, which refuse it:
 * there they are {@code down}. An upstream with no server gets a {@code down} placeholder.
 * TCP services are not rendered (Nginx would need its stream module).
 */
public final class NginxConfigRenderer {
    /** Where the version server listens, and, in managed mode, where services listen. */
    public record Settings(String versionAddress, int versionPort, String bindAddress, boolean withServers) {}

    static final String VERSION_PATH = "/__signalbox/version";

    private final Settings settings;

    public NginxConfigRenderer(Settings settings) {
        SafeValues.ipLiteral("versionAddress", settings.versionAddress());
        SafeValues.port("versionPort", settings.versionPort());
        SafeValues.ipLiteral("bindAddress", settings.bindAddress());
        this.settings = settings;
    }

    /** The text Nginx serves on the version location for {@code zxid}. */
    public static String versionText(long zxid) {
        return Zxid.format(zxid);
    }

    public String render(Configuration configuration) {
        StringBuilder out = new StringBuilder();
        out.append("# Rendered by Signalbox. Do not edit: changes are put back.\n");
        for (Service service : configuration.services()) {
            if (service.mode() == Mode.HTTP) {
                renderUpstream(out, service, configuration.servers().getOrDefault(service.name(), List.of()));
            }
        }
        if (settings.withServers()) {
            String bind = SafeValues.ipLiteral("bindAddress", settings.bindAddress());
            for (Service service : configuration.services()) {
                if (service.mode() == Mode.HTTP) {
                    renderServer(out, service, bind);
                }
            }
        }
        out.append("server {\n");
        out.append("    listen ").append(address(SafeValues.ipLiteral("versionAddress", settings.versionAddress()),
                SafeValues.port("versionPort", settings.versionPort()))).append(";\n");
        out.append("    location = ").append(VERSION_PATH).append(" { default_type text/plain; return 200 \"")
                .append(versionText(configuration.zxid())).append("\\n\"; }\n");
        out.append("    location / { return 404; }\n");
        out.append("}\n");
        return out.toString();
    }

    private static void renderUpstream(StringBuilder out, Service service, List<Server> servers) {
        String name = SafeValues.name("service.name", service.name());
        out.append("upstream sb_").append(name).append(" {\n");
        Balance balance = service.balance();
        switch (balance) {
            case LEASTCONN -> out.append("    least_conn;\n");
            case RANDOM -> out.append("    random;\n");
            case SOURCE -> out.append("    hash $remote_addr consistent;\n");
            default -> { } // round robin, Nginx's default (FIRST has no Nginx equivalent)
        }
        out.append("    zone sb_").append(name).append(" 64k;\n");
        boolean backupAllowed = balance != Balance.SOURCE && balance != Balance.RANDOM;
        HealthCheck health = service.healthCheck();
        for (Server server : servers) {
            out.append("    server ").append(address(SafeValues.ipLiteral("server.address", server.address()),
                    SafeValues.port("server.port", server.port())));
            int weight = SafeValues.weight("server.weight", server.weight());
            boolean down = weight == 0 || server.state() != ServerState.READY || server.backup() && !backupAllowed;
            if (weight > 0) {
                out.append(" weight=").append(weight);
            }
            if (health != null) {
                int fall = SafeValues.range("healthCheck.fall", health.fall(), 1, 1_000);
                long failTimeoutMs = (long) SafeValues.range("healthCheck.intervalMs", health.intervalMs(), 1, 86_400_000) * fall;
                out.append(" max_fails=").append(fall).append(" fail_timeout=").append(Math.max(1, (failTimeoutMs + 999) / 1000)).append('s');
            }
            if (server.backup() && backupAllowed) {
                out.append(" backup");
            }
            if (down) {
                out.append(" down");
            }
            out.append(";  # ").append(SafeValues.name("server.name", server.name())).append('\n');
        }
        if (servers.isEmpty()) {
            out.append("    server 127.0.0.1:1 down;  # no servers registered\n");
        }
        out.append("    keepalive 16;\n");
        out.append("}\n");
    }

    private static void renderServer(StringBuilder out, Service service, String bind) {
        String name = SafeValues.name("service.name", service.name());
        out.append("server {\n");
        out.append("    listen ").append(address(bind, SafeValues.port("service.listenPort", service.listenPort()))).append(";\n");
        out.append("    proxy_connect_timeout ").append(SafeValues.range("service.connectTimeoutMs", service.connectTimeoutMs(), 1, 86_400_000))
                .append("ms;\n");
        out.append("    proxy_read_timeout ").append(SafeValues.range("service.serverTimeoutMs", service.serverTimeoutMs(), 1, 86_400_000))
                .append("ms;\n");
        out.append("    location / {\n");
        out.append("        proxy_pass http://sb_").append(name).append(";\n");
        out.append("        proxy_http_version 1.1;\n");
        out.append("        proxy_set_header Connection \"\";\n");
        out.append("        proxy_next_upstream error timeout;\n");
        out.append("    }\n");
        out.append("}\n");
    }

    /** {@code 10.0.0.1:80} or {@code [fd00::1]:80}. */
    private static String address(String ipLiteral, int port) {
        return (ipLiteral.indexOf(':') >= 0 ? "[" + ipLiteral + "]" : ipLiteral) + ":" + port;
    }
}
