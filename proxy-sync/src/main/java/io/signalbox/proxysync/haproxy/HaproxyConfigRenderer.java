package io.signalbox.proxysync.haproxy;

import io.signalbox.proxysync.SafeValues;
import io.signalbox.state.Configuration;
import io.signalbox.state.HealthCheck;
import io.signalbox.state.Server;
import io.signalbox.state.Service;
import io.signalbox.state.ServerState;
import java.util.List;

/**
 * Renders a complete {@code haproxy.cfg} from a configuration: one frontend and one backend
 * per service, and every server, so a reload never loses a change made through the Runtime
 * API. Nothing is concatenated from user text: every value is typed and checked again by
 * {@link SafeValues} as it is written, and a value that fails stops the render with a
 * {@link io.signalbox.proxysync.RenderException} naming it (nothing is written).
 *
 * <p>Mapping: MAINT servers are rendered {@code disabled}; DRAIN servers with {@code weight 0}
 * (the server-state file, loaded on reload, restores the exact runtime state); a service's
 * health check becomes {@code check inter/rise/fall} on its servers, plus
 * {@code option httpchk GET path} when it has an HTTP path in HTTP mode.
 */
public final class HaproxyConfigRenderer {
    /**
     * Where the agent keeps HAProxy's sockets and state file, and the address frontends bind to.
     *
     * @param clusterFront HAProxy in front of the Signalbox cluster itself, or null for none
     */
    public record Settings(String adminSocket, String stateFile, String bindAddress, ClusterFrontConfig.Settings clusterFront) {
        public Settings(String adminSocket, String stateFile, String bindAddress) {
            this(adminSocket, stateFile, bindAddress, null);
        }
    }

    private final Settings settings;

    public HaproxyConfigRenderer(Settings settings) {
        SafeValues.filePath("adminSocket", settings.adminSocket());
        SafeValues.filePath("stateFile", settings.stateFile());
        SafeValues.ipLiteral("bindAddress", settings.bindAddress());
        this.settings = settings;
    }

    public String render(Configuration configuration) {
        StringBuilder out = new StringBuilder();
        String bind = SafeValues.ipLiteral("bindAddress", settings.bindAddress());
        out.append("# Rendered by Signalbox at zxid ").append(configuration.zxid()).append(". Do not edit: changes are put back.\n");
        out.append("global\n");
        out.append("    stats socket ").append(settings.adminSocket()).append(" mode 600 level admin expose-fd listeners\n");
        out.append("    server-state-file ").append(settings.stateFile()).append('\n');
        out.append("defaults\n");
        out.append("    load-server-state-from-file global\n");
        out.append("    option idle-close-on-response\n");
        for (Service service : configuration.services()) {
            renderService(out, service, configuration.servers().getOrDefault(service.name(), List.of()), bind);
        }
        if (settings.clusterFront() != null) {
            ClusterFrontConfig.renderListen(out, settings.clusterFront());
        }
        return out.toString();
    }

    private static void renderService(StringBuilder out, Service service, List<Server> servers, String bind) {
        String name = SafeValues.name("service.name", service.name());
        String mode = service.mode().name().toLowerCase(java.util.Locale.ROOT);
        out.append("frontend fe_").append(name).append('\n');
        out.append("    mode ").append(mode).append('\n');
        out.append("    bind ").append(SafeValues.address(bind, SafeValues.port("service.listenPort", service.listenPort()))).append('\n');
        out.append("    timeout client ").append(SafeValues.range("service.clientTimeoutMs", service.clientTimeoutMs(), 1, 86_400_000))
                .append("ms\n");
        out.append("    default_backend be_").append(name).append('\n');
        out.append("backend be_").append(name).append('\n');
        out.append("    mode ").append(mode).append('\n');
        out.append("    balance ").append(service.balance().name().toLowerCase(java.util.Locale.ROOT)).append('\n');
        out.append("    timeout connect ").append(SafeValues.range("service.connectTimeoutMs", service.connectTimeoutMs(), 1, 86_400_000))
                .append("ms\n");
        out.append("    timeout server ").append(SafeValues.range("service.serverTimeoutMs", service.serverTimeoutMs(), 1, 86_400_000))
                .append("ms\n");
        HealthCheck health = service.healthCheck();
        if (health != null && !health.httpPath().isEmpty() && service.mode() == io.signalbox.state.Mode.HTTP) {
            out.append("    option httpchk GET ").append(SafeValues.httpPath("service.healthCheck.httpPath", health.httpPath())).append('\n');
        }
        for (Server server : servers) {
            out.append("    server ").append(SafeValues.name("server.name", server.name())).append(' ')
                    .append(SafeValues.address(SafeValues.ipLiteral("server.address", server.address()), SafeValues.port("server.port", server.port())))
                    .append(" weight ").append(server.state() == ServerState.DRAIN ? 0 : SafeValues.weight("server.weight", server.weight()));
            if (health != null) {
                out.append(" check inter ").append(SafeValues.range("healthCheck.intervalMs", health.intervalMs(), 1, 86_400_000)).append("ms")
                        .append(" rise ").append(SafeValues.range("healthCheck.rise", health.rise(), 1, 1_000))
                        .append(" fall ").append(SafeValues.range("healthCheck.fall", health.fall(), 1, 1_000));
            }
            if (server.backup()) {
                out.append(" backup");
            }
            if (server.state() == ServerState.MAINT) {
                out.append(" disabled");
            }
            out.append('\n');
        }
    }
}
