package io.signalbox.proxysync.nginx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How the Nginx driver changes servers: DYNAMIC pushes server lists to a Lua balancer (reloads
 * only for new services or ports), RELOAD renders every server into the file and reloads, AUTO
 * is DYNAMIC when the Lua module is installed and RELOAD otherwise.
 */
public enum NginxMode {
    DYNAMIC, RELOAD, AUTO;

    /** Where Debian 12's packages put Nginx's dynamic modules. */
    public static final Path MODULES = Path.of("/usr/share/nginx/modules");
    /** {@code libnginx-mod-http-lua} brings these two (the Lua module needs NDK loaded first). */
    public static final Path NDK_MODULE = MODULES.resolve("ndk_http_module.so");
    public static final Path LUA_MODULE = MODULES.resolve("ngx_http_lua_module.so");
    /** {@code libnginx-mod-stream}: TCP services. */
    public static final Path STREAM_MODULE = MODULES.resolve("ngx_stream_module.so");

    /** @throws IllegalArgumentException naming the value and what is allowed */
    public static NginxMode parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("nginxMode \"" + text + "\" must be dynamic, reload or auto");
        }
    }

    /** AUTO made concrete: DYNAMIC when the Lua module is installed. DYNAMIC without it is refused, saying what to install. */
    public NginxMode resolve() {
        boolean lua = Files.exists(NDK_MODULE) && Files.exists(LUA_MODULE);
        return switch (this) {
            case AUTO -> lua ? DYNAMIC : RELOAD;
            case DYNAMIC -> {
                if (!lua) {
                    throw new IllegalArgumentException("nginxMode dynamic needs the Lua module (" + LUA_MODULE
                            + "): apt-get install libnginx-mod-http-lua, or use nginxMode reload");
                }
                yield DYNAMIC;
            }
            case RELOAD -> RELOAD;
        };
    }

    public static boolean streamModuleInstalled() {
        return Files.exists(STREAM_MODULE);
    }
}
