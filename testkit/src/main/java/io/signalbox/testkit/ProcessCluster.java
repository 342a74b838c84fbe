package io.signalbox.testkit;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.HostPort;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.server.NodeConfig;
import io.signalbox.tls.DevCertificates;
import io.signalbox.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Real server processes on 127.0.0.1 that can be killed, paused, wiped and restarted: for
 * end-to-end tests and benchmarks. Node i keeps its configuration, data and {@code node.log}
 * in {@code directory/node<i>}. {@link #close()} kills what is left. With {@link #withTls} every
 * port of every node speaks TLS and its own clients ({@link #client()}, {@link #leader()}) show
 * a client certificate.
 */
public final class ProcessCluster implements AutoCloseable {
    public final List<NodeConfig.Member> members;
    public final Path directory;
    private final Process[] processes;
    private final List<String> extra;
    /** The directory {@link DevCertificates#createSet} wrote the nodes' certificates to; null: plaintext. */
    private final Path certificates;
    /** What this cluster's own clients show: null without TLS. */
    private final TlsFiles clientTls;
    private final Map<String, String> conf;

    /** Starts {@code count} nodes on ports from {@code basePort} (see {@link NodeConfig#localMembers}); {@code extraArgs} go to every server. */
    public ProcessCluster(int count, int basePort, Path directory, String... extraArgs) throws IOException {
        this(count, basePort, directory, null, null, Map.of(), extraArgs);
    }

    private ProcessCluster(int count, int basePort, Path directory, Path certificates, TlsFiles clientTls, Map<String, String> conf,
                           String... extraArgs) throws IOException {
        this.members = NodeConfig.localMembers(count, basePort);
        this.directory = directory;
        this.processes = new Process[count + 1];
        this.extra = List.of(extraArgs);
        this.certificates = certificates;
        this.clientTls = clientTls;
        this.conf = Map.copyOf(conf);
        for (int id = 1; id <= count; id++) {
            start(id);
        }
    }

    /**
     * Nodes with TLS on all three ports: node i uses {@code node-i.pem} and {@code node-i.key} from
     * {@code certificates} (the layout of {@link DevCertificates#createSet}) and {@code ca.pem};
     * {@code conf} adds keys to every node's signalbox.conf ({@code tls.clientAuth}, {@code auth.admin}).
     * The cluster's own clients show {@code clientName}'s certificate.
     */
    public static ProcessCluster withTls(int count, int basePort, Path directory, Path certificates, String clientName,
                                         Map<String, String> conf, String... extraArgs) throws IOException {
        return new ProcessCluster(count, basePort, directory, certificates, DevCertificates.files(certificates, clientName), conf,
                extraArgs);
    }

    /** Starts (or restarts) node {@code id}; its output is appended to its node.log. */
    public void start(int id) throws IOException {
        Path nodeDir = directory.resolve("node" + id);
        Files.createDirectories(nodeDir);
        Map<String, String> keys = new HashMap<>(this.conf);
        if (certificates != null) {
            TlsFiles files = DevCertificates.files(certificates, "node-" + id);
            keys.put("tls.ca", files.ca().toString());
            keys.put("tls.cert", files.cert().toString());
            keys.put("tls.key", files.key().toString());
        }
        Path conf = NodeConfig.writeFile(nodeDir, id, members, keys);
        processes[id] = new ProcessBuilder(Launch.server(Launch.DEFAULT_HEAP, List.of(), conf, extra)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(nodeDir.resolve("node.log").toFile())).start();
    }

    public void kill9(int id) throws InterruptedException {
        processes[id].destroyForcibly();
        processes[id].waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM; returns the exit code. */
    public int terminate(int id) throws InterruptedException {
        return Processes.terminate(processes[id], 20);
    }

    /** Removes node {@code id}'s data directory (kill it first): restarted, it must catch up from the others. */
    public void wipe(int id) throws IOException {
        Processes.deleteRecursively(directory.resolve("node" + id).resolve("data"));
    }

    public String log(int id) throws IOException {
        return Files.readString(directory.resolve("node" + id).resolve("node.log"));
    }

    public String addresses() {
        return members.stream().map(NodeConfig.Member::clientAddress).collect(Collectors.joining(","));
    }

    /** What this cluster's own clients show (TLS files), or null when the cluster is plaintext. */
    public TlsFiles clientTls() {
        return clientTls;
    }

    public SignalboxClient client() {
        return new SignalboxClient(ClientOptions.of(addresses()).withTls(clientTls));
    }

    public SignalboxClient clientOf(int id) {
        return new SignalboxClient(ClientOptions.of(List.of(HostPort.parse(members.get(id - 1).clientAddress())))
                .withRetryDeadlineMs(2_000).withRequestTimeoutMs(2_000).withTls(clientTls));
    }

    /** The member's own view of itself, or null when it does not answer. */
    public Member self(int id) {
        return self(members.get(id - 1), 2_000, clientTls);
    }

    public int leader() {
        return leader(members, 2_000, clientTls);
    }

    /** Waits until a member leads an established epoch; returns its id. */
    public int awaitLeader(Duration limit) throws InterruptedException {
        int[] leader = {0};
        await("a leader", limit, () -> (leader[0] = leader()) != 0);
        return leader[0];
    }

    /** What {@code member} says of itself, or null when it does not answer within {@code timeoutMs}. */
    public static Member self(NodeConfig.Member member, int timeoutMs) {
        return self(member, timeoutMs, null);
    }

    /** As {@link #self(NodeConfig.Member, int)}, over TLS with {@code tls} (null: plaintext). */
    public static Member self(NodeConfig.Member member, int timeoutMs, TlsFiles tls) {
        ClientOptions one = ClientOptions.of(List.of(HostPort.parse(member.clientAddress()))).withRetryDeadlineMs(timeoutMs)
                .withRequestTimeoutMs(timeoutMs).withTls(tls);
        try (SignalboxClient client = new SignalboxClient(one)) {
            return client.status().member(member.id());
        } catch (SignalboxException e) {
            return null;
        }
    }

    /** The member that says it leads an established epoch, or 0. */
    public static int leader(List<NodeConfig.Member> members, int timeoutMs) {
        return leader(members, timeoutMs, null);
    }

    /** As {@link #leader(List, int)}, over TLS with {@code tls} (null: plaintext). */
    public static int leader(List<NodeConfig.Member> members, int timeoutMs, TlsFiles tls) {
        for (NodeConfig.Member m : members) {
            Member self = self(m, timeoutMs, tls);
            if (self != null && self.leadsEstablished()) {
                return m.id();
            }
        }
        return 0;
    }

    public static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within " + limit.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    /** Kills every node still running and waits (10 s at most each) until it is gone, so its ports are free again. */
    public void close() {
        for (Process process : processes) {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
        }
        for (Process process : processes) {
            if (process != null) {
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
