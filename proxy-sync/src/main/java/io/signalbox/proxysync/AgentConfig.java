package io.signalbox.proxysync;

import io.signalbox.protocol.HostPort;
import io.signalbox.client.TokenFile;
import io.signalbox.tls.TlsFiles;
import io.signalbox.tls.TlsSettings;
import io.signalbox.proxysync.haproxy.ClusterFrontConfig;
import io.signalbox.proxysync.haproxy.HaproxyDriver;
import io.signalbox.proxysync.nginx.NginxDriver;
import io.signalbox.proxysync.nginx.NginxMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A sync agent's configuration as keys and values: what the flags of {@code signalbox sync
 * haproxy|nginx} say, and what an agent's configuration file says to {@link SyncAgentMain}.
 * {@link #parse} checks every value and builds the driver (which checks addresses and ports
 * at once); an error names the key, the value and what is allowed.
 *
 * @param stopProxyOnExit whether SIGTERM also stops a managed proxy; by default it keeps serving its
 *     last configuration and the next agent adopts it
 * @param tls the keys ca, cert and key (else SIGNALBOX_CA, SIGNALBOX_CERT, SIGNALBOX_KEY): TLS to the cluster; null: plaintext
 * @param token the key tokenFile (else SIGNALBOX_TOKEN_FILE): the agent acts as the token's identity; null: its certificate's
 */
public record AgentConfig(List<HostPort> connect, Path stateDir, SyncOptions options, ProxyDriver driver, boolean stopProxyOnExit,
                          TlsFiles tls, TokenFile token) {
    static final String DEFAULT_CONNECT = "127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103";
    private static final Set<String> COMMON_KEYS = Set.of("proxy", "connect", "stateDir", "services", "agentId", "driftCheckMs",
            "reportEveryMs", "manage", "bind", "binary", "stopProxyOnExit", "ca", "cert", "key", "tokenFile");
    private static final Set<String> HAPROXY_KEYS = Set.of("haproxySocket", "masterSocket", "config", "drainGraceMs", "frontCluster",
            "clusterNodes");
    private static final Set<String> NGINX_KEYS = Set.of("upstreamsFile", "nginxConf", "nginxPrefix", "versionPort", "versionAddress",
            "debounceMs", "maxDelayMs", "nginxMode", "pushPort", "streamFile");

    /** @throws IllegalArgumentException naming the key and value that are wrong, and what is allowed */
    public static AgentConfig parse(Map<String, String> given) {
        Map<String, String> values = new TreeMap<>(given);
        values.values().removeIf(String::isEmpty);
        String proxy = values.getOrDefault("proxy", "");
        if (!proxy.equals("haproxy") && !proxy.equals("nginx")) {
            throw new IllegalArgumentException("proxy \"" + proxy + "\" must be haproxy or nginx");
        }
        Set<String> allowed = new TreeSet<>(COMMON_KEYS);
        allowed.addAll(proxy.equals("haproxy") ? HAPROXY_KEYS : NGINX_KEYS);
        for (String key : values.keySet()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("key \"" + key + "\" is not one of " + allowed + " (for proxy=" + proxy + ")");
            }
        }
        if (!values.containsKey("stateDir")) {
            throw new IllegalArgumentException("stateDir is required: the agent's own directory (its view, applied zxid, rendered files)");
        }
        Path stateDir = Path.of(values.get("stateDir")).toAbsolutePath();
        List<HostPort> connect = HostPort.parseList(values.getOrDefault("connect", DEFAULT_CONNECT));
        List<String> services = new ArrayList<>();
        for (String service : values.getOrDefault("services", "").split(",")) {
            if (!service.isBlank()) {
                services.add(service.strip());
            }
        }
        String agentId = values.containsKey("agentId") ? values.get("agentId") : defaultAgentId(proxy, stateDir);
        SyncOptions options = SyncOptions.defaults(agentId).withServices(services)
                .withDriftCheckMs(number(values, "driftCheckMs", 10_000)).withReportEveryMs(number(values, "reportEveryMs", 2_000));
        boolean manage = bool(values, "manage");
        boolean stopProxyOnExit = bool(values, "stopProxyOnExit");
        String bind = values.getOrDefault("bind", "127.0.0.1");
        String binary = values.getOrDefault("binary", proxy);
        TlsFiles tls = TlsSettings.fromValues(values, System.getenv());
        TokenFile token = TokenFile.fromValues(values, System.getenv());
        if (proxy.equals("haproxy")) {
            return new AgentConfig(connect, stateDir, options, haproxy(values, stateDir, manage, bind, binary, connect, tls), stopProxyOnExit,
                    tls, token);
        }
        NginxMode mode = NginxMode.parse(values.getOrDefault("nginxMode", "auto")).resolve();
        // dynamic mode pushes changes in about a millisecond: no debounce unless asked for
        long debounceMs = number(values, "debounceMs", mode == NginxMode.DYNAMIC ? 0 : 200);
        options = options.withDebounce(debounceMs, number(values, "maxDelayMs", Math.max(1_000, debounceMs)));
        return new AgentConfig(connect, stateDir, options, nginx(values, stateDir, manage, bind, binary, mode), stopProxyOnExit, tls,
                token);
    }

    private static ProxyDriver haproxy(Map<String, String> values, Path stateDir, boolean manage, String bind, String binary,
                                       List<HostPort> connect, TlsFiles tls) {
        if (!manage && !(values.containsKey("haproxySocket") && values.containsKey("masterSocket") && values.containsKey("config"))) {
            throw new IllegalArgumentException("without manage, give haproxySocket, masterSocket and config (the agent drives a "
                    + "HAProxy already running from them)");
        }
        HaproxyDriver.Settings layout = HaproxyDriver.Settings.managedIn(stateDir, bind);
        return new HaproxyDriver(new HaproxyDriver.Settings(path(values, "config", layout.configFile()),
                path(values, "haproxySocket", layout.adminSocket()), path(values, "masterSocket", layout.masterSocket()),
                layout.stateDir(), bind, binary, manage, number(values, "drainGraceMs", 2_000), layout.reloadTimeoutMs(),
                clusterFront(values, bind, connect, tls)));
    }

    /**
     * HAProxy in front of the cluster when {@code frontCluster} gives a port: the nodes from
     * {@code clusterNodes}, else the {@code connect} addresses with the admin port 100 above the
     * client port (the layout of {@code signalbox demo} and of every local cluster). An agent that
     * reaches the cluster over TLS checks the nodes' /health over HTTPS against the same CA: their
     * admin ports have TLS too.
     */
    private static ClusterFrontConfig.Settings clusterFront(Map<String, String> values, String bind, List<HostPort> connect,
                                                            TlsFiles tls) {
        if (!values.containsKey("frontCluster")) {
            if (values.containsKey("clusterNodes")) {
                throw new IllegalArgumentException("clusterNodes is for frontCluster: give frontCluster=PORT too");
            }
            return null;
        }
        long port = number(values, "frontCluster", 0);
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("frontCluster " + port + " is outside 1..65535");
        }
        List<ClusterFrontConfig.Node> nodes = new ArrayList<>();
        if (values.containsKey("clusterNodes")) {
            nodes.addAll(ClusterFrontConfig.parseNodes(values.get("clusterNodes")));
        } else {
            for (HostPort node : connect) {
                nodes.add(ClusterFrontConfig.Node.parse(node.host() + ":" + node.port() + "/" + Math.min(65_535, node.port() + 100)));
            }
        }
        ClusterFrontConfig.Settings front = new ClusterFrontConfig.Settings(bind, (int) port, nodes, 1_000, "");
        return tls == null ? front : front.withHealthTls(new ClusterFrontConfig.HealthTls(tls.ca().toAbsolutePath().toString(), ""));
    }

    private static ProxyDriver nginx(Map<String, String> values, Path stateDir, boolean manage, String bind, String binary, NginxMode mode) {
        if (!manage && !values.containsKey("upstreamsFile")) {
            throw new IllegalArgumentException("without manage, give upstreamsFile (included by nginxConf's http block)");
        }
        long port = number(values, "versionPort", 8099);
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("versionPort " + port + " is outside 1..65535");
        }
        String versionAddress = values.getOrDefault("versionAddress", "127.0.0.1");
        long pushPort = number(values, "pushPort", port + 1);
        if (pushPort < 1 || pushPort > 65_535 || pushPort == port) {
            throw new IllegalArgumentException("pushPort " + pushPort + " must be within 1..65535 and differ from versionPort " + port);
        }
        NginxDriver.Settings layout = NginxDriver.Settings.managedIn(stateDir, (int) port, bind, mode);
        NginxDriver.Settings settings = manage
                ? new NginxDriver.Settings(path(values, "upstreamsFile", layout.upstreamsFile()), layout.nginxConf(), layout.prefix(),
                        layout.stateDir(), versionAddress, (int) port, bind, binary, true, layout.reloadTimeoutMs(), mode, (int) pushPort,
                        path(values, "streamFile", layout.streamFile()))
                : new NginxDriver.Settings(path(values, "upstreamsFile", null), path(values, "nginxConf", Path.of("/etc/nginx/nginx.conf")),
                        path(values, "nginxPrefix", null), layout.stateDir(), versionAddress, (int) port, bind, binary, false,
                        layout.reloadTimeoutMs(), mode, (int) pushPort, path(values, "streamFile", null));
        return new NginxDriver(settings);
    }

    /** PROXY@HOST:STATE-DIR, printable and at most 128 characters: unique per proxy on a host. */
    private static String defaultAgentId(String proxy, Path stateDir) {
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        String id = (proxy + "@" + host + ":" + stateDir.normalize()).replaceAll("[^\\x21-\\x7e]", "_");
        return id.length() <= 128 ? id : id.substring(id.length() - 128);
    }

    private static long number(Map<String, String> values, String key, long fallback) {
        String text = values.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " \"" + text + "\" is not a whole number");
        }
    }

    private static boolean bool(Map<String, String> values, String key) {
        String text = values.getOrDefault(key, "false").strip();
        if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException(key + " \"" + text + "\" must be true or false");
        }
        return text.equals("true");
    }

    private static Path path(Map<String, String> values, String key, Path fallback) {
        return values.containsKey(key) ? Path.of(values.get(key)).toAbsolutePath() : fallback;
    }
}
