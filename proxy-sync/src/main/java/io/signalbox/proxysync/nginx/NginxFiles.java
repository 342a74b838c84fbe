package io.signalbox.proxysync.nginx;

import io.signalbox.proxysync.AgentStateDir;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The files the Nginx driver owns: the http file (upstreams), the stream file (TCP services), in
 * managed mode the main configuration, in dynamic mode the Lua balancer next to the http file
 * and the push token in the state directory. Each is replaced atomically; the marker line of the
 * http file says which configuration it is (the zxid, or in dynamic mode a digest).
 */
final class NginxFiles {
    static final String TOKEN_FILE = "nginx-push-token";
    /** The balancer, and the parsing and checks of the lists it is pushed, which it requires. */
    static final java.util.List<String> LUA_FILES = java.util.List.of("signalbox_balancer.lua", "signalbox_lists.lua");

    private final NginxDriver.Settings settings;

    NginxFiles(NginxDriver.Settings settings) {
        this.settings = settings;
    }

    /** The managed main configuration: the modules the mode needs, paths in the state directory, includes of the owned files. */
    String mainConfig(NginxMode mode) {
        Path dir = settings.stateDir();
        StringBuilder out = new StringBuilder("# Rendered by Signalbox for a managed Nginx.\n");
        if (mode == NginxMode.DYNAMIC) {
            out.append("load_module ").append(NginxMode.NDK_MODULE).append(";\n");
            out.append("load_module ").append(NginxMode.LUA_MODULE).append(";\n");
        }
        if (settings.streamFile() != null) {
            out.append("load_module ").append(NginxMode.STREAM_MODULE).append(";\n");
        }
        out.append("worker_processes 2;\n")
                .append("pid ").append(dir.resolve("nginx.pid")).append(";\n")
                .append("error_log ").append(dir.resolve("error.log")).append(" notice;\n")
                .append("worker_shutdown_timeout 10s;\n")
                .append("events { worker_connections 1024; }\n")
                .append("http {\n")
                .append("    access_log off;\n")
                .append("    client_body_temp_path ").append(dir.resolve("tmp/body")).append(";\n")
                .append("    proxy_temp_path ").append(dir.resolve("tmp/proxy")).append(";\n")
                .append("    fastcgi_temp_path ").append(dir.resolve("tmp/fastcgi")).append(";\n")
                .append("    uwsgi_temp_path ").append(dir.resolve("tmp/uwsgi")).append(";\n")
                .append("    scgi_temp_path ").append(dir.resolve("tmp/scgi")).append(";\n")
                .append("    include ").append(settings.upstreamsFile()).append(";\n")
                .append("}\n");
        if (settings.streamFile() != null) {
            out.append("stream {\n    include ").append(settings.streamFile()).append(";\n}\n");
        }
        return out.toString();
    }

    /** The files on disk; the stream part is empty when TCP is not rendered or the file is missing. */
    NginxConfigRenderer.Rendered read() {
        return new NginxConfigRenderer.Rendered(read(settings.upstreamsFile()), settings.streamFile() == null ? "" : read(settings.streamFile()));
    }

    void write(NginxConfigRenderer.Rendered rendered) {
        if (settings.streamFile() != null) {
            AgentStateDir.writeAtomically(settings.streamFile(), rendered.stream().getBytes(StandardCharsets.UTF_8));
        }
        AgentStateDir.writeAtomically(settings.upstreamsFile(), rendered.http().getBytes(StandardCharsets.UTF_8));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The rendered text without its marker line: what decides whether Nginx must reload. */
    static String withoutMarker(String text, String markerPath) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (!line.contains(markerPath)) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    /** The text a rendered file serves on its marker location, or "" when it has none. */
    static String markerIn(String text, String markerPath) {
        for (String line : text.split("\n")) {
            int at = line.indexOf("return 200 \"");
            if (line.contains(markerPath) && at >= 0) {
                int end = line.indexOf("\\n\"", at);
                return end < 0 ? "" : line.substring(at + 12, end);
            }
        }
        return "";
    }

    /** The token the push location wants, kept in the state directory (owner-only) so that a restarted agent knows it. */
    static String pushToken(Path stateDir) {
        Path file = stateDir.resolve(TOKEN_FILE);
        try {
            if (Files.exists(file)) {
                return LuaPieces.token(Files.readString(file).strip());
            }
            byte[] random = new byte[16];
            new SecureRandom().nextBytes(random);
            String token = HexFormat.of().formatHex(random);
            Files.createDirectories(stateDir);
            AgentStateDir.writeAtomically(file, (token + "\n").getBytes(StandardCharsets.US_ASCII));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the push token in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Copies the Lua balancer next to the http file, where the rendered lua_package_path finds it. */
    void installLua() {
        installLua(settings.upstreamsFile().toAbsolutePath().getParent());
    }

    /** Copies the Lua modules from the jar into {@code directory}. */
    static void installLua(Path directory) {
        for (String name : LUA_FILES) {
            Path target = directory.resolve(name);
            try (InputStream in = NginxFiles.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException(name + " is missing from the proxy-sync jar");
                }
                AgentStateDir.writeAtomically(target, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
            }
        }
    }
}
