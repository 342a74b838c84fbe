package io.signalbox.proxysync.nginx;

import io.signalbox.proxysync.SafeValues;
import io.signalbox.state.Configuration;
import io.signalbox.state.Mode;
import io.signalbox.state.Service;
import java.util.List;

/**
 * TCP services for Nginx's stream module ({@code libnginx-mod-stream}), rendered into the file the
 * main configuration includes inside {@code stream { }}: an {@code upstream sb_<service>} with
 * the same server lines as reload mode's http upstreams, and in managed mode a {@code server}
 * listening on the service's port. Always reloaded, in dynamic mode too: Debian 12 ships no Lua
 * module for stream ({@code ngx_stream_lua}), so there is no balancer to push to.
 */
final class StreamConfigRenderer {
    private StreamConfigRenderer() {}

    static String render(Configuration configuration, boolean withServers, String bindAddress) {
        StringBuilder out = new StringBuilder("# Rendered by Signalbox: TCP services (stream module). Do not edit: changes are put back.\n");
        for (Service service : configuration.services()) {
            if (service.mode() != Mode.TCP) {
                continue;
            }
            String name = SafeValues.name("service.name", service.name());
            out.append("upstream sb_").append(name).append(" {\n");
            switch (service.balance()) {
                case LEASTCONN -> out.append("    least_conn;\n");
                case RANDOM -> out.append("    random;\n");
                case SOURCE -> out.append("    hash $remote_addr consistent;\n");
                default -> { } // round robin (FIRST has no Nginx equivalent)
            }
            out.append("    zone sb_").append(name).append(" 64k;\n");
            NginxConfigRenderer.renderServers(out, service, configuration.servers().getOrDefault(name, List.of()));
            out.append("}\n");
            if (withServers) {
                out.append("server {\n");
                out.append("    listen ").append(SafeValues.address(SafeValues.ipLiteral("bindAddress", bindAddress),
                        SafeValues.port("service.listenPort", service.listenPort()))).append(";\n");
                out.append("    proxy_pass sb_").append(name).append(";\n");
                out.append("    proxy_connect_timeout ")
                        .append(SafeValues.range("service.connectTimeoutMs", service.connectTimeoutMs(), 1, 86_400_000)).append("ms;\n");
                out.append("    proxy_timeout ").append(SafeValues.range("service.serverTimeoutMs", service.serverTimeoutMs(), 1, 86_400_000))
                        .append("ms;\n");
                out.append("}\n");
            }
        }
        return out.toString();
    }
}
