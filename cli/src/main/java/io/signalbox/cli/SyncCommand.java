package io.signalbox.cli;

import io.signalbox.proxysync.SyncAgentMain;
import io.signalbox.proxysync.haproxy.ClusterFrontConfig;
import io.signalbox.tls.TlsOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code signalbox sync haproxy ...}: runs a sync agent until SIGTERM or Ctrl-C. */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Runs a sync agent that keeps one proxy converged to the cluster's configuration.",
        subcommands = {SyncCommand.Haproxy.class, SyncCommand.Nginx.class, SyncCommand.ClusterFront.class})
public final class SyncCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** What every agent takes. */
    static final class AgentOptions {
        @Option(names = "--connect", defaultValue = "127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103",
                description = "client addresses of the cluster's nodes (default: ${DEFAULT-VALUE})")
        String connect;

        @Option(names = "--state-dir", required = true, description = "the agent's own directory: its view, applied zxid, rendered files")
        Path stateDir;

        @Option(names = "--services", split = ",", description = "only these services (default: all)")
        List<String> services = new ArrayList<>();

        @Option(names = "--agent-id", description = "how the cluster knows this agent (default: PROXY@HOST:STATE-DIR)")
        String agentId;

        @Option(names = "--drift-check-ms", defaultValue = "10000", description = "compare the proxy with the view this often (default: ${DEFAULT-VALUE})")
        long driftCheckMs;

        @Option(names = "--report-every-ms", defaultValue = "2000", description = "repeat the report to the cluster this often (default: ${DEFAULT-VALUE})")
        long reportEveryMs;

        @Option(names = "--stop-proxy-on-exit", description = "SIGTERM also stops the managed proxy (default: it keeps serving, for the next agent)")
        boolean stopProxyOnExit;

        @Mixin
        TlsOptions tls;

        @Option(names = "--token-file", defaultValue = "${env:SIGNALBOX_TOKEN_FILE}", description = "a bearer token (ctl acl token NAME "
                + "--out FILE): the agent acts as NAME instead of its certificate's CN (env SIGNALBOX_TOKEN_FILE)")
        Path tokenFile;

        /** The keys of io.signalbox.proxysync.AgentConfig that every agent takes. */
        Map<String, String> values(String proxy) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("proxy", proxy);
            values.put("connect", connect);
            values.put("stateDir", stateDir.toString());
            values.put("services", String.join(",", services));
            values.put("agentId", agentId == null ? "" : agentId);
            values.put("driftCheckMs", String.valueOf(driftCheckMs));
            values.put("reportEveryMs", String.valueOf(reportEveryMs));
            values.put("stopProxyOnExit", String.valueOf(stopProxyOnExit));
            values.putAll(tls.values());
            if (tokenFile != null) {
                values.put("tokenFile", tokenFile.toString());
            }
            return values;
        }
    }

    @Command(name = "haproxy", mixinStandardHelpOptions = true,
            description = "Syncs one HAProxy 2.6+ (master-worker mode): server changes through the Runtime API, services through a "
                    + "validated reload. With --manage the agent runs HAProxy itself from a configuration it renders into --state-dir.")
    static final class Haproxy implements Callable<Integer> {
        @Mixin
        AgentOptions agent;

        @Option(names = "--manage", description = "start and supervise HAProxy with a rendered configuration")
        boolean manage;

        @Option(names = "--haproxy-socket", description = "HAProxy's admin socket (stats socket ... level admin)")
        Path adminSocket;

        @Option(names = "--master-socket", description = "HAProxy's master socket (haproxy -W -S PATH)")
        Path masterSocket;

        @Option(names = "--config", description = "the haproxy.cfg HAProxy runs from; the agent renders it whole")
        Path config;

        @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address frontends listen on (default: ${DEFAULT-VALUE})")
        String bind;

        @Option(names = "--haproxy", defaultValue = "haproxy", description = "the haproxy binary (default: ${DEFAULT-VALUE})")
        String binary;

        @Option(names = "--drain-grace-ms", defaultValue = "2000",
                description = "a deregistered server leaves traffic at once and is deleted after this (default: ${DEFAULT-VALUE})")
        long drainGraceMs;

        @Option(names = "--front-cluster", description = "also put HAProxy in front of the Signalbox cluster on this port of --bind: "
                + "TCP to the nodes' client ports, each checked on its admin /health (docs/operations.md)")
        Integer frontCluster;

        @Option(names = "--cluster-nodes", description = "with --front-cluster: every node as CLIENT_IP:CLIENT_PORT/ADMIN_PORT (default: the "
                + "--connect addresses, admin port = client port + 100)")
        String clusterNodes;

        @Override
        public Integer call() throws InterruptedException {
            Map<String, String> values = agent.values("haproxy");
            values.put("frontCluster", frontCluster == null ? "" : String.valueOf(frontCluster));
            values.put("clusterNodes", clusterNodes == null ? "" : clusterNodes);
            values.put("manage", String.valueOf(manage));
            values.put("haproxySocket", adminSocket == null ? "" : adminSocket.toString());
            values.put("masterSocket", masterSocket == null ? "" : masterSocket.toString());
            values.put("config", config == null ? "" : config.toString());
            values.put("bind", bind);
            values.put("binary", binary);
            values.put("drainGraceMs", String.valueOf(drainGraceMs));
            return SyncAgentMain.run(values, System.err);
        }
    }

    @Command(name = "nginx", mixinStandardHelpOptions = true,
            description = "Syncs one open source Nginx. Dynamic mode (with the Lua module): one Lua-balanced upstream per HTTP service, "
                    + "servers pushed to every worker without a reload. Reload mode: servers rendered into --upstreams-file, checked with "
                    + "nginx -t, reloaded, confirmed on the version location, bursts debounced. With --manage the agent runs Nginx itself "
                    + "from a configuration in --state-dir.")
    static final class Nginx implements Callable<Integer> {
        @Mixin
        AgentOptions agent;

        @Option(names = "--manage", description = "start and supervise Nginx with a rendered configuration")
        boolean manage;

        @Option(names = "--upstreams-file", description = "the file the agent owns; include it in the http block of --nginx-conf")
        Path upstreamsFile;

        @Option(names = "--nginx-conf", defaultValue = "/etc/nginx/nginx.conf", description = "Nginx's main configuration (default: ${DEFAULT-VALUE})")
        Path nginxConf;

        @Option(names = "--nginx-prefix", description = "Nginx's prefix (-p), if not its default")
        Path prefix;

        @Option(names = "--version-port", defaultValue = "8099",
                description = "port of the /__signalbox/version location, on --version-address (default: ${DEFAULT-VALUE})")
        int versionPort;

        @Option(names = "--version-address", defaultValue = "127.0.0.1", description = "(default: ${DEFAULT-VALUE})")
        String versionAddress;

        @Option(names = "--bind", defaultValue = "127.0.0.1", description = "managed mode: address services listen on (default: ${DEFAULT-VALUE})")
        String bind;

        @Option(names = "--nginx", defaultValue = "nginx", description = "the nginx binary (default: ${DEFAULT-VALUE})")
        String binary;

        @Option(names = "--nginx-mode", defaultValue = "auto",
                description = "dynamic (servers pushed to a Lua balancer, no reload), reload, or auto: dynamic when libnginx-mod-http-lua "
                        + "is installed (default: ${DEFAULT-VALUE})")
        String nginxMode;

        @Option(names = "--push-port", description = "dynamic mode: loopback port of the push location (default: --version-port + 1)")
        Integer pushPort;

        @Option(names = "--stream-file", description = "the file for TCP services, included in a stream block (default with --manage: "
                + "stream.conf in --state-dir when libnginx-mod-stream is installed)")
        Path streamFile;

        @Option(names = "--debounce-ms", description = "one pass once no change came for this long (default: 200 in reload mode, 0 in dynamic)")
        Long debounceMs;

        @Option(names = "--max-delay-ms", description = "... but no later than this after a change (default: 1000)")
        Long maxDelayMs;

        @Override
        public Integer call() throws InterruptedException {
            Map<String, String> values = agent.values("nginx");
            values.put("manage", String.valueOf(manage));
            values.put("upstreamsFile", upstreamsFile == null ? "" : upstreamsFile.toString());
            values.put("nginxConf", nginxConf.toString());
            values.put("nginxPrefix", prefix == null ? "" : prefix.toString());
            values.put("versionPort", String.valueOf(versionPort));
            values.put("versionAddress", versionAddress);
            values.put("bind", bind);
            values.put("binary", binary);
            values.put("nginxMode", nginxMode);
            values.put("pushPort", pushPort == null ? "" : String.valueOf(pushPort));
            values.put("streamFile", streamFile == null ? "" : streamFile.toString());
            values.put("debounceMs", debounceMs == null ? "" : String.valueOf(debounceMs));
            values.put("maxDelayMs", maxDelayMs == null ? "" : String.valueOf(maxDelayMs));
            return SyncAgentMain.run(values, System.err);
        }
    }

    @Command(name = "cluster-front", mixinStandardHelpOptions = true,
            description = "Prints a haproxy.cfg that puts HAProxy in front of the Signalbox cluster: TCP to the nodes' client ports, "
                    + "each node health-checked on its admin /health, for clients configured with one address (docs/operations.md).")
    static final class ClusterFront implements Callable<Integer> {
        @Option(names = "--listen", defaultValue = "127.0.0.1:7100", description = "where clients connect, IP:PORT (default: ${DEFAULT-VALUE})")
        String listen;

        @Option(names = "--nodes", defaultValue = "127.0.0.1:7101/7201,127.0.0.1:7102/7202,127.0.0.1:7103/7203",
                description = "every node as CLIENT_IP:CLIENT_PORT/ADMIN_PORT (default: the demo's, ${DEFAULT-VALUE})")
        String nodes;

        @Option(names = "--check-interval-ms", defaultValue = "1000", description = "health check interval; 2 failures take a node out "
                + "(default: ${DEFAULT-VALUE})")
        int checkIntervalMs;

        @Option(names = "--health-ca", description = "the nodes' admin ports have TLS: check /health over HTTPS, verifying the nodes' "
                + "certificates against this CA file (their tls.ca)")
        Path healthCa;

        @Option(names = "--health-crt", description = "with --health-ca: a client certificate and its key in one PEM file for the checks "
                + "(cat agent.pem agent.key > agent-with-key.pem), for an admin port that asks for one")
        Path healthCrt;

        @Override
        public Integer call() {
            try {
                ClusterFrontConfig.Settings settings = ClusterFrontConfig.Settings.of(listen, nodes, checkIntervalMs);
                if (healthCa != null) {
                    settings = settings.withHealthTls(new ClusterFrontConfig.HealthTls(healthCa.toAbsolutePath().toString(),
                            healthCrt == null ? "" : healthCrt.toAbsolutePath().toString()));
                } else if (healthCrt != null) {
                    throw new IllegalArgumentException("--health-crt " + healthCrt + " needs --health-ca: the CA that signs the nodes' "
                            + "certificates");
                }
                System.out.print(ClusterFrontConfig.render(settings));
                return 0;
            } catch (IllegalArgumentException e) {
                System.err.println("signalbox sync cluster-front: " + e.getMessage());
                return 2;
            }
        }
    }
}
