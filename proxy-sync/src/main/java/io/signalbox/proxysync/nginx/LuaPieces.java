package io.signalbox.proxysync.nginx;

import io.signalbox.proxysync.RenderException;
import io.signalbox.proxysync.SafeValues;
import io.signalbox.state.Configuration;
import io.signalbox.state.Mode;
import io.signalbox.state.Service;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The http file of dynamic mode: the Lua preamble (package path, shared dict, the workers' refresh
 * timer, the leastconn release in the log phase), one {@code balancer_by_lua} upstream per HTTP
 * service with no servers of its own, the version server (its version location run by Lua, so it
 * reports every worker) and the push server, which listens on 127.0.0.1 only, allows only loopback
 * clients, caps bodies, and wants the agent's token. Nothing here changes when servers change, so
 * only new services, ports and timeouts need a reload.
 */
final class LuaPieces {
    /** Where the renderer puts the digest location once it knows the rest of the text. */
    static final String MARKER_PLACEHOLDER = "    # signalbox-config-marker\n";
    /** Large enough for every limit of ServerLists (4,096 services x 4,096 servers is not: a full dict refuses, it never evicts). */
    static final String SHARED_DICT_SIZE = "32m";
    /** How often an idle worker looks for a new version; a busy one also looks on every balanced request. */
    static final String REFRESH_SECONDS = "0.002";
    /** Next to the Lua file: the last complete push, which a Nginx that starts afresh loads. */
    static final String SAVED_LISTS = "signalbox-lists.push";
    private static final Pattern TOKEN = Pattern.compile("^[0-9a-f]{32,64}$");

    private LuaPieces() {}

    static String token(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            throw new RenderException("pushToken", token, "is not 32..64 lowercase hex digits");
        }
        return token;
    }

    static String render(Configuration configuration, NginxConfigRenderer.Settings settings) {
        String lua = SafeValues.filePath("luaDirectory", settings.luaDirectory());
        StringBuilder out = new StringBuilder();
        out.append("# Rendered by Signalbox (dynamic mode: servers are pushed to the Lua balancer). Do not edit: changes are put back.\n");
        out.append("lua_package_path \"").append(lua).append("/?.lua;;\";\n");
        out.append("lua_shared_dict signalbox_upstreams ").append(SHARED_DICT_SIZE).append(";\n");
        // loaded in the master, as root, so workers never read the file after dropping privileges; a fresh
        // start loads the lists last pushed, so Nginx serves before (or without) an agent
        out.append("init_by_lua_block { require(\"signalbox_balancer\").boot(\"").append(lua).append('/').append(SAVED_LISTS)
                .append("\") }\n");
        out.append("init_worker_by_lua_block { require(\"signalbox_balancer\").init_worker(").append(REFRESH_SECONDS).append(") }\n");
        out.append("log_by_lua_block { require(\"signalbox_balancer\").release() }\n");
        for (Service service : configuration.services()) {
            if (service.mode() == Mode.HTTP) {
                String name = SafeValues.name("service.name", service.name());
                out.append("upstream sb_").append(name).append(" {\n");
                out.append("    server 0.0.0.1:1;  # never contacted: the Lua balancer picks every peer\n");
                out.append("    balancer_by_lua_block { require(\"signalbox_balancer\").balance(\"").append(name).append("\") }\n");
                out.append("    keepalive 16;\n");
                out.append("}\n");
            }
        }
        if (settings.withServers()) {
            String bind = SafeValues.ipLiteral("bindAddress", settings.bindAddress());
            for (Service service : configuration.services()) {
                if (service.mode() == Mode.HTTP) {
                    // retries go to the next peer the Lua balancer picks; 3 matches MAX_TRIES in signalbox_balancer.lua
                    NginxConfigRenderer.renderServer(out, service, bind, "        proxy_next_upstream_tries 3;\n");
                }
            }
        }
        out.append("server {\n");
        out.append("    listen ").append(SafeValues.address(SafeValues.ipLiteral("versionAddress", settings.versionAddress()),
                SafeValues.port("versionPort", settings.versionPort()))).append(";\n");
        out.append("    location = ").append(NginxConfigRenderer.VERSION_PATH)
                .append(" { content_by_lua_block { require(\"signalbox_balancer\").version() } }\n");
        out.append(MARKER_PLACEHOLDER);
        out.append("    location / { return 404; }\n");
        out.append("}\n");
        out.append("server {\n");
        out.append("    listen 127.0.0.1:").append(SafeValues.port("pushPort", settings.pushPort())).append(";  # the agent's pushes: loopback only\n");
        out.append("    allow 127.0.0.1;\n    allow ::1;\n    deny all;\n");
        out.append("    client_max_body_size ").append(ServerLists.MAX_PUSH_BYTES).append(";\n");
        out.append("    client_body_buffer_size ").append(ServerLists.MAX_PUSH_BYTES).append(";\n");
        out.append("    location / { content_by_lua_block { require(\"signalbox_balancer\").control(\"").append(token(settings.pushToken()))
                .append("\") } }\n");
        out.append("}\n");
        return out.toString();
    }

    /** The first 16 hex digits of the SHA-256 of {@code text}. */
    static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
