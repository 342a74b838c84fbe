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
 * TCP services go to the stream file ({@link StreamConfigRenderer}). In dynamic mode the http file
 * has no servers at all: {@link LuaPieces} renders one Lua-balanced upstream per service, and the
 * servers are pushed ({@link ServerLists}).
 */
public final class NginxConfigRenderer {
    /**
     * Where the version server listens, and, in managed mode, where services listen.
     *
     * @param mode DYNAMIC or RELOAD (AUTO resolved before)
     * @param pushPort dynamic mode: the loopback port of the agent's push location
     * @param pushToken dynamic mode: what the push location requires in {@code X-Signalbox-Token}
     * @param luaDirectory dynamic mode: where {@code signalbox_balancer.lua} is
     * @param stream whether TCP services are rendered (into the stream file)
     */
    public record Settings(String versionAddress, int versionPort, String bindAddress, boolean withServers, NginxMode mode, int pushPort,
                           String pushToken, String luaDirectory, boolean stream) {
        public Settings {
            if (mode == NginxMode.AUTO) {
                throw new IllegalArgumentException("the renderer needs a resolved mode, dynamic or reload, not auto");
            }
        }

        /** Reload mode, HTTP services only: the renderer before dynamic mode. */
        public Settings(String versionAddress, int versionPort, String bindAddress, boolean withServers) {
            this(versionAddress, versionPort, bindAddress, withServers, NginxMode.RELOAD, 0, "", "", false);
        }
    }

    /** The two files the agent owns: the http include and the stream include (empty when TCP is not rendered). */
    public record Rendered(String http, String stream) {
        /** What decides whether Nginx must reload: everything but the marker line. */
        String body(String markerPath) {
            return NginxFiles.withoutMarker(http, markerPath) + stream;
        }
    }

    static final String VERSION_PATH = "/__signalbox/version";
    /** Dynamic mode: answers a digest of the rendered files, so the agent can tell when a reload took. */
    static final String CONFIG_PATH = "/__signalbox/config";
    static final String PUSH_PATH = "/__signalbox/apply";

    private final Settings settings;

    public NginxConfigRenderer(Settings settings) {
        SafeValues.ipLiteral("versionAddress", settings.versionAddress());
        SafeValues.port("versionPort", settings.versionPort());
        SafeValues.ipLiteral("bindAddress", settings.bindAddress());
        if (settings.mode() == NginxMode.DYNAMIC) {
            SafeValues.port("pushPort", settings.pushPort());
            LuaPieces.token(settings.pushToken());
            SafeValues.filePath("luaDirectory", settings.luaDirectory());
        }
        this.settings = settings;
    }

    /** The path whose location line tells which configuration Nginx runs: the zxid in reload mode, a digest in dynamic mode. */
    String markerPath() {
        return settings.mode() == NginxMode.DYNAMIC ? CONFIG_PATH : VERSION_PATH;
    }

    /** Both files; in dynamic mode the marker is a digest of everything else, so any change shows in it. */
    public Rendered renderAll(Configuration configuration) {
        String stream = settings.stream() ? StreamConfigRenderer.render(configuration, settings.withServers(), settings.bindAddress()) : "";
        if (settings.mode() != NginxMode.DYNAMIC) {
            return new Rendered(render(configuration), stream);
        }
        String http = LuaPieces.render(configuration, settings);
        String marker = "    location = " + CONFIG_PATH + " { default_type text/plain; return 200 \"" + LuaPieces.digest(http + stream)
                + "\\n\"; }\n";
        return new Rendered(http.replace(LuaPieces.MARKER_PLACEHOLDER, marker), stream);
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
                    renderServer(out, service, bind, "");
                }
            }
        }
        out.append("server {\n");
        out.append("    listen ").append(SafeValues.address(SafeValues.ipLiteral("versionAddress", settings.versionAddress()),
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
        renderServers(out, service, servers);
        out.append("    keepalive 16;\n");
        out.append("}\n");
    }

    /** The {@code server} lines of an upstream, the same in http and stream blocks. */
    static void renderServers(StringBuilder out, Service service, List<Server> servers) {
        Balance balance = service.balance();
        boolean backupAllowed = balance != Balance.SOURCE && balance != Balance.RANDOM;
        HealthCheck health = service.healthCheck();
        for (Server server : servers) {
            out.append("    server ").append(SafeValues.address(SafeValues.ipLiteral("server.address", server.address()),
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
    }

    static void renderServer(StringBuilder out, Service service, String bind, String extraLocationLines) {
        String name = SafeValues.name("service.name", service.name());
        out.append("server {\n");
        out.append("    listen ").append(SafeValues.address(bind, SafeValues.port("service.listenPort", service.listenPort()))).append(";\n");
        out.append("    proxy_connect_timeout ").append(SafeValues.range("service.connectTimeoutMs", service.connectTimeoutMs(), 1, 86_400_000))
                .append("ms;\n");
        out.append("    proxy_read_timeout ").append(SafeValues.range("service.serverTimeoutMs", service.serverTimeoutMs(), 1, 86_400_000))
                .append("ms;\n");
        out.append("    location / {\n");
        out.append("        proxy_pass http://sb_").append(name).append(";\n");
        out.append("        proxy_http_version 1.1;\n");
        out.append("        proxy_set_header Connection \"\";\n");
        out.append("        proxy_next_upstream error timeout;\n");
        out.append(extraLocationLines);
        out.append("    }\n");
        out.append("}\n");
    }
}
