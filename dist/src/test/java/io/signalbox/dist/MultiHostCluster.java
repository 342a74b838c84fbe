package io.signalbox.dist;

import io.signalbox.testkit.HostNetwork;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The installed archive run as a cluster of hosts: hosts 1..3 are nodes, host 4 the sync agent's
 * host (and the operator's: ctl runs there), each a network namespace {@code sbh-nI} at 10.77.8.I
 * with its own directory {@code hostI/} (configuration, data, log). Everything is started through
 * the archive's {@code bin/signalbox}, exactly as docs/operations.md#install tells an operator to,
 * TLS included: {@code certs create} makes the cluster's certificates, every port speaks TLS, and
 * ctl and the agent show client certificates. {@link #close} kills every process in the namespaces (the agent's HAProxy too) and removes them.
 */
final class MultiHostCluster implements AutoCloseable {
    static final int NODES = 3;
    static final int AGENT_HOST = 4;
    static final int PEER_PORT = 7001;
    static final int CLIENT_PORT = 7101;
    static final int ADMIN_PORT = 7201;
    private static final int CTL_TIMEOUT_S = 60;
    private static final int STOP_TIMEOUT_S = 15;

    private final HostNetwork hosts = new HostNetwork("sbh", "10.77.8.", AGENT_HOST);
    private final Path home;
    private final Path work;
    private final Map<Integer, Process> processes = new TreeMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private HttpClient https;

    /** {@code home}: the unpacked archive; {@code work}: where each host's directory goes. */
    MultiHostCluster(Path home, Path work) {
        this.home = home;
        this.work = work;
    }

    HostNetwork hosts() {
        return hosts;
    }

    /** Removes what a killed earlier run left, builds the hosts, and makes the cluster's certificates as an operator would. */
    void build() throws IOException, InterruptedException {
        hosts.killProcessesInside();
        hosts.remove();
        hosts.build();
        List<String> nodeAddresses = new ArrayList<>();
        for (int i = 1; i <= NODES; i++) {
            nodeAddresses.add(address(i));
        }
        Process certs = new ProcessBuilder(launcher(), "certs", "create", "--dir", certificates().toString(), "--nodes", String.valueOf(NODES),
                "--client", "ctl", "--client", "agent", "--host", String.join(",", nodeAddresses)).redirectErrorStream(true).start();
        String output = new String(certs.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!certs.waitFor(CTL_TIMEOUT_S, TimeUnit.SECONDS) || certs.exitValue() != 0) {
            throw new IllegalStateException("signalbox certs create failed:\n" + output);
        }
        https = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).sslContext(trusting(certificates().resolve("ca.pem"))).build();
    }

    /** The cluster's certificates; on real hosts each gets its own files (docs/operations.md#install), here they share a directory. */
    Path certificates() {
        return work.resolve("tls");
    }

    /** {@code --ca/--cert/--key} of the client certificate {@code name} (ctl, agent). */
    private List<String> clientCertificate(String name) {
        return List.of("--ca", certificates().resolve("ca.pem").toString(), "--cert", certificates().resolve(name + ".pem").toString(),
                "--key", certificates().resolve(name + ".key").toString());
    }

    /** An SSL context that trusts the cluster's CA only: what a monitoring client of the admin ports is given. */
    private static SSLContext trusting(Path caPem) throws IOException {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("signalbox-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust " + caPem + ": " + e.getMessage(), e);
        }
    }

    String address(int host) {
        return hosts.address(host);
    }

    /** Every node's client address: what ctl and the agent are given. */
    String connect() {
        List<String> addresses = new ArrayList<>();
        for (int i = 1; i <= NODES; i++) {
            addresses.add(address(i) + ":" + CLIENT_PORT);
        }
        return String.join(",", addresses);
    }

    Path hostDir(int host) {
        return work.resolve("host" + host);
    }

    /**
     * The one place a node's configuration is written; docs/operations.md#install shows the same file.
     */
    String nodeConfig(int id) {
        StringBuilder text = new StringBuilder("id=" + id + "\n");
        for (int i = 1; i <= NODES; i++) {
            text.append("member.").append(i).append('=').append(address(i)).append(':').append(PEER_PORT).append(':').append(CLIENT_PORT)
                    .append(':').append(ADMIN_PORT).append('\n');
        }
        text.append("dataDir=").append(hostDir(id).resolve("data")).append('\n');
        text.append("tls.ca=").append(certificates().resolve("ca.pem")).append('\n');
        text.append("tls.cert=").append(certificates().resolve("node-" + id + ".pem")).append('\n');
        text.append("tls.key=").append(certificates().resolve("node-" + id + ".key")).append('\n');
        text.append("auth.admin=ctl\n"); // beyond loopback roles are checked: ctl is the first admin, it grants the agent
        return text.toString();
    }

    /** Writes host {@code id}'s configuration (first start only) and starts its node: {@code bin/signalbox server --config ...}. */
    void startNode(int id) throws IOException {
        Path conf = hostDir(id).resolve("signalbox.conf");
        if (!Files.exists(conf)) {
            Files.createDirectories(hostDir(id));
            Files.writeString(conf, nodeConfig(id));
        }
        start(id, List.of(launcher(), "server", "--config", conf.toString()), hostDir(id).resolve("node.log"));
    }

    /** The HAProxy sync agent on host 4, managing its own HAProxy that listens on host 4's address. */
    void startAgent() throws IOException {
        Path stateDir = agentStateDir();
        Files.createDirectories(stateDir);
        List<String> command = new ArrayList<>(List.of(launcher(), "sync", "haproxy", "--manage", "--state-dir", stateDir.toString(),
                "--connect", connect(), "--bind", address(AGENT_HOST), "--agent-id", "edge-1", "--stop-proxy-on-exit"));
        command.addAll(clientCertificate("agent"));
        start(AGENT_HOST, command, hostDir(AGENT_HOST).resolve("agent.log"));
    }

    Path agentStateDir() {
        return hostDir(AGENT_HOST).resolve("agent");
    }

    /** kill -9 of a host's process; its data directory stays. */
    void kill9(int host) throws InterruptedException {
        Process process = processes.remove(host);
        if (process != null) {
            process.destroyForcibly();
            if (!process.waitFor(STOP_TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new IllegalStateException("host " + host + ": pid " + process.pid() + " still alive " + STOP_TIMEOUT_S + " s after kill -9");
            }
        }
    }

    boolean alive(int host) {
        Process process = processes.get(host);
        return process != null && process.isAlive();
    }

    /** {@code bin/signalbox ctl --connect NODES ARGS} on host 4; its output, or an exception with it if ctl failed. */
    String ctl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(launcher(), "ctl", "--connect", connect()));
        command.addAll(clientCertificate("ctl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(hosts.command(AGENT_HOST, command)).redirectErrorStream(true).start();
        process.getOutputStream().close();
        boolean finished = process.waitFor(CTL_TIMEOUT_S, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = new String(process.getInputStream().readNBytes(256 * 1024), StandardCharsets.UTF_8);
        if (!finished || process.exitValue() != 0) {
            throw new IllegalStateException("signalbox ctl " + String.join(" ", args) + (finished ? " exited " + process.exitValue() : " did not finish in "
                    + CTL_TIMEOUT_S + " s") + ":\n" + output);
        }
        return output;
    }

    /** GET https://ADDRESS:ADMIN_PORT/PATH of a node's admin port, trusting the cluster's CA only; the status and body, or -1 and why. */
    Response admin(int node, String path) throws InterruptedException {
        return get(https, URI.create("https://" + address(node) + ":" + ADMIN_PORT + path));
    }

    /** GET http://ADDRESS:PORT/PATH of a proxy's frontend (plain HTTP, as the service's clients speak it). */
    Response frontend(String address, int port, String path) throws InterruptedException {
        return get(http, URI.create("http://" + address + ":" + port + path));
    }

    private static Response get(HttpClient client, URI uri) throws InterruptedException {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Response(-1, e.toString());
        }
    }

    record Response(int status, String body) {}

    /** The listening TCP sockets in a host, as {@code ss -ltn} prints them. */
    String listeners(int host) {
        return HostNetwork.output(hosts.command(host, List.of("ss", "-ltnH")).toArray(String[]::new));
    }

    String log(int host, String name) throws IOException {
        Path file = hostDir(host).resolve(name);
        return Files.exists(file) ? Files.readString(file) : "(no " + file + ")";
    }

    private String launcher() {
        return home.resolve("bin").resolve("signalbox").toString();
    }

    private void start(int host, List<String> command, Path log) throws IOException {
        if (alive(host)) {
            throw new IllegalStateException("host " + host + " already runs pid " + processes.get(host).pid());
        }
        ProcessBuilder builder = new ProcessBuilder(hosts.command(host, command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("SIGNALBOX_JAVA_OPTS", "-Xmx192m -XX:+UseSerialGC");
        processes.put(host, builder.start());
    }

    @Override
    public void close() throws InterruptedException {
        Process agent = processes.remove(AGENT_HOST);
        if (agent != null && agent.isAlive()) {
            agent.destroy(); // SIGTERM: with --stop-proxy-on-exit the agent stops its HAProxy
            agent.waitFor(STOP_TIMEOUT_S, TimeUnit.SECONDS);
        }
        for (Process process : processes.values()) {
            process.destroyForcibly();
            process.waitFor(STOP_TIMEOUT_S, TimeUnit.SECONDS);
        }
        processes.clear();
        hosts.killProcessesInside();
        hosts.remove();
    }
}
