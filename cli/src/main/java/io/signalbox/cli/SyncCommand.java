package io.signalbox.cli;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.HostPort;
import io.signalbox.client.SignalboxClient;
import io.signalbox.proxysync.AgentStateDir;
import io.signalbox.proxysync.ProxyDriver;
import io.signalbox.proxysync.SyncAgent;
import io.signalbox.proxysync.SyncOptions;
import io.signalbox.proxysync.haproxy.HaproxyDriver;
import io.signalbox.proxysync.nginx.NginxDriver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code signalbox sync haproxy ...}: runs a sync agent until SIGTERM or Ctrl-C. */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Runs a sync agent that keeps one proxy converged to the cluster's configuration.",
        subcommands = {SyncCommand.Haproxy.class, SyncCommand.Nginx.class})
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

        SyncOptions syncOptions(String proxy) {
            String id = agentId != null ? agentId : defaultAgentId(proxy);
            return SyncOptions.defaults(id).withServices(services).withDriftCheckMs(driftCheckMs).withReportEveryMs(reportEveryMs);
        }

        private String defaultAgentId(String proxy) {
            String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
            String id = proxy + "@" + host + ":" + stateDir.toAbsolutePath().normalize();
            id = id.replaceAll("[^\\x21-\\x7e]", "_");
            return id.length() <= 128 ? id : id.substring(id.length() - 128);
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

        @Override
        public Integer call() throws InterruptedException {
            HaproxyDriver.Settings settings;
            SyncOptions options;
            HaproxyDriver driver;
            try {
                if (!manage && (adminSocket == null || masterSocket == null || config == null)) {
                    throw new IllegalArgumentException("without --manage, give --haproxy-socket, --master-socket and --config "
                            + "(the agent drives a HAProxy already running from them)");
                }
                HaproxyDriver.Settings layout = HaproxyDriver.Settings.managedIn(agent.stateDir, bind);
                settings = new HaproxyDriver.Settings(config != null ? config.toAbsolutePath() : layout.configFile(),
                        adminSocket != null ? adminSocket.toAbsolutePath() : layout.adminSocket(),
                        masterSocket != null ? masterSocket.toAbsolutePath() : layout.masterSocket(), layout.stateDir(), bind, binary,
                        manage, drainGraceMs, layout.reloadTimeoutMs());
                options = agent.syncOptions("haproxy");
                driver = new HaproxyDriver(settings); // checks the bind address now, with a clear error
            } catch (IllegalArgumentException e) {
                System.err.println("signalbox sync haproxy: " + e.getMessage());
                return 2;
            }
            return runAgent(agent, options, driver);
        }
    }

    @Command(name = "nginx", mixinStandardHelpOptions = true,
            description = "Syncs one open source Nginx: renders one upstream per HTTP service into --upstreams-file, checks the "
                    + "whole tree with nginx -t, reloads, and confirms the new zxid on the version location; bursts are debounced "
                    + "into one reload. With --manage the agent runs Nginx itself from a configuration in --state-dir.")
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

        @Option(names = "--debounce-ms", defaultValue = "200", description = "reload once no change came for this long (default: ${DEFAULT-VALUE})")
        long debounceMs;

        @Option(names = "--max-delay-ms", defaultValue = "1000", description = "... but no later than this after a change (default: ${DEFAULT-VALUE})")
        long maxDelayMs;

        @Override
        public Integer call() throws InterruptedException {
            NginxDriver.Settings settings;
            SyncOptions options;
            NginxDriver driver;
            try {
                if (!manage && upstreamsFile == null) {
                    throw new IllegalArgumentException("without --manage, give --upstreams-file (included by --nginx-conf's http block)");
                }
                NginxDriver.Settings layout = NginxDriver.Settings.managedIn(agent.stateDir, versionPort, bind);
                settings = manage ? new NginxDriver.Settings(upstreamsFile != null ? upstreamsFile.toAbsolutePath() : layout.upstreamsFile(),
                        layout.nginxConf(), layout.prefix(), layout.stateDir(), versionAddress, versionPort, bind, binary, true,
                        layout.reloadTimeoutMs())
                        : new NginxDriver.Settings(upstreamsFile.toAbsolutePath(), nginxConf.toAbsolutePath(), prefix, layout.stateDir(),
                        versionAddress, versionPort, bind, binary, false, layout.reloadTimeoutMs());
                options = agent.syncOptions("nginx").withDebounce(debounceMs, maxDelayMs);
                driver = new NginxDriver(settings); // checks addresses and ports now, with a clear error
            } catch (IllegalArgumentException e) {
                System.err.println("signalbox sync nginx: " + e.getMessage());
                return 2;
            }
            return runAgent(agent, options, driver);
        }
    }

    static int runAgent(AgentOptions agent, SyncOptions options, ProxyDriver driver) throws InterruptedException {
        ClientOptions clientOptions;
        try {
            clientOptions = ClientOptions.of(HostPort.parseList(agent.connect));
        } catch (IllegalArgumentException e) {
            System.err.println("signalbox sync: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopRequested = ServerCommand.stopSignals();
        try (SignalboxClient client = new SignalboxClient(clientOptions); AgentStateDir dir = AgentStateDir.open(agent.stateDir)) {
            SyncAgent running;
            try {
                running = SyncAgent.start(client, driver, dir, options);
            } catch (RuntimeException e) {
                driver.close();
                System.err.println("signalbox sync: cannot start: " + e.getMessage());
                return 1;
            }
            try (SyncAgent syncAgent = running) {
                stopRequested.await();
            }
            return 0;
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            System.err.println("signalbox sync: " + e.getMessage());
            return 1;
        }
    }
}
