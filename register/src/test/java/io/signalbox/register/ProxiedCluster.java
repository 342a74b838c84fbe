package io.signalbox.register;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.Consistency;
import io.signalbox.proxysync.PidFiles;
import io.signalbox.proxysync.SyncAgentMain;
import io.signalbox.state.Command;
import io.signalbox.state.Server;
import io.signalbox.testkit.FreePorts;
import io.signalbox.testkit.Launch;
import io.signalbox.testkit.ProcessCluster;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What the end-to-end tests stand on: a 3-node cluster of real server processes, a HAProxy
 * agent (frontends on 127.0.0.1) and an Nginx agent (servers on 127.0.0.2, the same ports) as
 * real processes, each managing its own proxy; plus the sidecars and backends a test starts,
 * all stopped by {@link #close()}. Ports are free ones, outside the fixed ranges other tests use.
 */
final class ProxiedCluster implements AutoCloseable {
    static final Duration LIMIT = Duration.ofSeconds(30);
    static final String HAPROXY_HOST = "127.0.0.1";
    static final String NGINX_HOST = "127.0.0.2";
    static final String HAPROXY_AGENT = "haproxy-e2e";
    static final String NGINX_AGENT = "nginx-e2e";
    /**
     * Where the ports the proxies listen on start in the cluster's block of 300 (its nodes use
     * offsets 1-3, 101-103, 201-203). They stay below the kernel's ephemeral range: a port
     * from there can be held by some outgoing connection when Nginx binds it, and Nginx then
     * refuses to start (seen in CI with the push port, versionPort + 1).
     */
    private static final int PORTS_FROM_OFFSET = 10;
    private static final int PORTS_TO_OFFSET = 99;

    final Path directory;
    final ProcessCluster cluster;
    final SignalboxClient client;
    private final List<ProcessUnderTest> agents = new ArrayList<>();
    private final List<ProcessUnderTest> sidecars = new ArrayList<>();
    private final List<TestBackend> backends = new ArrayList<>();
    private final int base;
    private int sidecarCount;
    private int nextPort;

    ProxiedCluster(Path directory) throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/sbin/haproxy")), "haproxy is not installed: apt-get install haproxy (.ci/run installs it)");
        assertTrue(Files.isExecutable(Path.of("/usr/sbin/nginx")), "nginx is not installed: apt-get install nginx (.ci/run installs it)");
        this.directory = directory;
        this.base = clusterBase();
        this.cluster = new ProcessCluster(3, base, directory.resolve("cluster"));
        this.nextPort = base + PORTS_FROM_OFFSET;
        cluster.awaitLeader(LIMIT);
        this.client = cluster.client();
        agents.add(agent("haproxy", HAPROXY_AGENT, Map.of("drainGraceMs", "300")).start());
        int versionPort = port();
        port(); // the push location's, versionPort + 1
        agents.add(agent("nginx", NGINX_AGENT, Map.of("bind", NGINX_HOST, "versionPort", String.valueOf(versionPort))).start());
    }

    /** A free cluster base whose ports keep out of 27,000-29,999, which other tests use as fixed ports. */
    static int clusterBase() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = FreePorts.clusterBase(3);
            if (base + 300 <= 27_000 || base >= 30_000) {
                return base;
            }
        }
        throw new IllegalStateException("no free cluster base outside 27,000-29,999 in 50 attempts");
    }

    private ProcessUnderTest agent(String proxy, String agentId, Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>();
        Path stateDir = directory.resolve(agentId);
        settings.put("proxy", proxy);
        settings.put("manage", "true");
        settings.put("stateDir", stateDir.toString());
        settings.put("connect", cluster.addresses());
        settings.put("agentId", agentId);
        settings.put("driftCheckMs", "1000");
        settings.put("reportEveryMs", "300");
        settings.putAll(extra);
        return new ProcessUnderTest(SyncAgentMain.class.getName(), Launch.DEFAULT_HEAP, settings, stateDir.resolve("agent.log"));
    }

    TestBackend backend(String name) throws IOException {
        TestBackend backend = TestBackend.start(name);
        backends.add(backend);
        return backend;
    }

    /** An HTTP service without Signalbox health checks (so only the sidecar takes servers out), on a free port. */
    int service(String name) {
        int port = port();
        client.submit(new Command.PutService(name, "http", port, "roundrobin", null, 2_000, 30_000, 30_000, null));
        return port;
    }

    private int port() {
        if (nextPort > base + PORTS_TO_OFFSET) {
            throw new IllegalStateException("the test used every port of base+" + PORTS_FROM_OFFSET + "..base+" + PORTS_TO_OFFSET);
        }
        return nextPort++;
    }

    /** Writes {@code settings} as a configuration file and starts a sidecar from it. */
    ProcessUnderTest sidecar(Map<String, String> settings) throws IOException {
        Path config = directory.resolve("sidecar-" + ++sidecarCount + ".conf");
        Properties properties = new Properties();
        properties.put("connect", cluster.addresses());
        properties.putAll(settings);
        try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            properties.store(out, "a sidecar of an end-to-end test");
        }
        ProcessUnderTest sidecar = ProcessUnderTest.sidecar(config, directory.resolve("sidecar-" + sidecarCount + ".log")).start();
        sidecars.add(sidecar);
        return sidecar;
    }

    /** The server as the cluster has it now (LINEARIZABLE), or null. */
    Server server(String service, String name) {
        return client.read(Consistency.LINEARIZABLE, service).configuration().servers().getOrDefault(service, List.of()).stream()
                .filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * Waits until both proxies send requests to exactly these backends. A timeout names what the
     * proxy answered last and carries every agent's and sidecar's log tail: CI keeps nothing else.
     */
    void awaitServedBy(int port, String... names) throws Exception {
        java.util.Set<String> expected = new java.util.TreeSet<>(List.of(names));
        for (String host : List.of(HAPROXY_HOST, NGINX_HOST)) {
            Map<String, Integer> last = new java.util.TreeMap<>();
            try {
                ProcessCluster.await("only " + expected + " answer on " + host + ":" + port, LIMIT, () -> {
                    last.clear();
                    last.putAll(Traffic.spread(host, port, 6 * names.length));
                    return last.keySet().equals(expected);
                });
            } catch (IllegalStateException e) {
                throw new AssertionError(e.getMessage() + "; the last requests got " + last + logs(), e);
            }
        }
    }

    /** The last lines of every process's log, for a failure's message. */
    String logs() throws IOException {
        StringBuilder out = new StringBuilder();
        for (ProcessUnderTest p : sidecars) {
            out.append("\n--- ").append(p.log.getFileName()).append('\n').append(tail(p.log()));
        }
        for (ProcessUnderTest p : agents) {
            out.append("\n--- ").append(p.log).append('\n').append(tail(p.log()));
        }
        return out.toString();
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    @Override
    public void close() {
        for (ProcessUnderTest sidecar : sidecars) {
            if (sidecar.alive()) {
                try {
                    sidecar.kill9();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        backends.forEach(TestBackend::close);
        for (ProcessUnderTest agent : agents) {
            agent.close();
        }
        for (String agent : List.of(HAPROXY_AGENT, NGINX_AGENT)) {
            for (String proxy : List.of("haproxy", "nginx")) {
                PidFiles.running(directory.resolve(agent).resolve(proxy + ".pid"), proxy).ifPresent(ProcessHandle::destroy);
            }
        }
        client.close();
        cluster.close();
    }
}
