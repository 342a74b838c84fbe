package io.signalbox.chaos;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.HostPort;
import io.signalbox.server.NodeConfig;
import io.signalbox.testkit.HostNetwork;
import io.signalbox.testkit.Launch;
import io.signalbox.tls.DevCertificates;
import io.signalbox.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real {@code signalbox server} processes, each in its own Linux network namespace ({@code
 * sbx-n1}...), joined by veth pairs to one bridge ({@code sbx-br}, 10.77.7.254) in the root
 * namespace, where the clients run ({@link HostNetwork} builds and removes them). Node i is
 * 10.77.7.i. Faults are applied inside the namespaces: iptables DROP rules for partitions, tc
 * netem for delay, loss and reordering; and to the processes: kill -9, SIGSTOP/SIGCONT, wiping the
 * data directory. With {@code faultFs}, each node's data directory is a {@link FaultFs} mount
 * (backing files in {@code nodeI/disk}), for power loss, disk errors and a full disk. {@link
 * #close()} removes everything it created, mounts included; a shutdown hook does the same on
 * Ctrl-C. One run per machine at a time: the names are fixed, and leftovers of a killed run are
 * removed first. With TLS, a CA and certificates are made in {@code certs/} of the run directory
 * (kept for the next run in it), every node has TLS on all three ports with client certificates
 * required and roles checked, and the harness's clients are {@value #CLIENT_IDENTITY}, the
 * nodes' {@code auth.admin}.
 */
final class ChaosNetwork implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChaosNetwork.class);
    /** The chaos harness's names and subnet; the multi-host test uses others, so the two never collide. */
    static final String PREFIX = "sbx";
    static final String SUBNET = "10.77.7.";
    /** The identity of every client of the harness (workload, sessions, probes, final reads): admin by configuration. */
    static final String CLIENT_IDENTITY = "chaos";

    private final int nodes;
    private final HostNetwork hosts;
    private final Path directory;
    private final List<String> jvmFlags;
    private final Process[] processes;
    private final FaultFs[] disks;
    private final List<NodeConfig.Member> members = new ArrayList<>();
    /** Where the CA and the certificates are; null: no TLS, the nodes run insecure=true. */
    private final Path certificates;
    private final TlsFiles clientTls;
    private final Thread cleanup = new Thread(this::removeEverything, "chaos-cleanup");
    private boolean closed;

    private ChaosNetwork(int nodes, Path directory, List<String> jvmFlags, boolean tls) {
        this.nodes = nodes;
        this.hosts = new HostNetwork(PREFIX, SUBNET, nodes);
        this.directory = directory;
        this.jvmFlags = List.copyOf(jvmFlags);
        this.processes = new Process[nodes + 1];
        this.disks = new FaultFs[nodes + 1];
        for (int i = 1; i <= nodes; i++) {
            members.add(new NodeConfig.Member(i, hosts.address(i), 7001, 7101, 7201));
        }
        this.certificates = tls ? directory.resolve("certs") : null;
        if (tls && !Files.exists(certificates.resolve("ca.pem"))) {
            List<String> addresses = members.stream().map(NodeConfig.Member::host).toList();
            DevCertificates.createSet(certificates, nodes, List.of(CLIENT_IDENTITY), addresses, Duration.ofDays(30));
        }
        this.clientTls = tls ? DevCertificates.files(certificates, CLIENT_IDENTITY) : null;
    }

    /**
     * Builds the namespaces and the bridge, mounts a {@link FaultFs} over each data directory
     * when {@code faultFs}, and starts every node; removes it all again if any step fails.
     */
    static ChaosNetwork start(int nodes, Path directory, List<String> jvmFlags, boolean faultFs, boolean tls)
            throws IOException, InterruptedException {
        ChaosNetwork network = new ChaosNetwork(nodes, directory, jvmFlags, tls);
        network.removeEverything(); // leftovers of a run that was killed
        FaultFs.unmountLeftovers();
        Runtime.getRuntime().addShutdownHook(network.cleanup);
        try {
            network.build();
            if (faultFs) {
                Path script = FaultFs.extractScript(directory);
                for (int i = 1; i <= nodes; i++) {
                    Path nodeDir = directory.resolve("node" + i);
                    network.disks[i] = FaultFs.mount(script, nodeDir.resolve("disk"), nodeDir.resolve("data"), nodeDir.resolve("faultfs.sock"),
                            nodeDir.resolve("faultfs.log"));
                }
            }
            for (int i = 1; i <= nodes; i++) {
                network.startNode(i);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            network.close();
            throw e;
        }
        return network;
    }

    List<NodeConfig.Member> members() {
        return members;
    }

    /** What the harness's clients show the nodes: null without TLS. */
    TlsFiles clientTls() {
        return clientTls;
    }

    /** Options for a client of every node, over TLS when the nodes have it. */
    ClientOptions clientOptions() {
        return ClientOptions.of(clientAddresses()).withTls(clientTls);
    }

    /** A client of one node only, with these timeouts. */
    SignalboxClient clientOf(int node, int requestTimeoutMs, int retryDeadlineMs) {
        return new SignalboxClient(ClientOptions.of(List.of(HostPort.parse(members.get(node - 1).clientAddress())))
                .withRetryDeadlineMs(retryDeadlineMs).withRequestTimeoutMs(requestTimeoutMs).withTls(clientTls));
    }

    String clientAddresses() {
        return String.join(",", members.stream().map(NodeConfig.Member::clientAddress).toList());
    }

    private void build() {
        hosts.build();
        LOG.info("chaos network: bridge {} at {}, nodes {}1..{}{} in namespaces {}..{}", hosts.bridge(), hosts.bridgeAddress(), SUBNET, SUBNET,
                nodes, hosts.namespace(1), hosts.namespace(nodes));
    }

    void startNode(int node) throws IOException {
        Path nodeDir = directory.resolve("node" + node);
        Files.createDirectories(nodeDir);
        List<String> settings = new ArrayList<>(List.of("--set", "historyEntriesMax=1000000"));
        Path conf;
        if (certificates == null) {
            conf = NodeConfig.writeFile(nodeDir, node, members);
            settings.addAll(List.of("--set", "insecure=true"));
        } else {
            TlsFiles files = DevCertificates.files(certificates, "node-" + node);
            conf = NodeConfig.writeFile(nodeDir, node, members, Map.of("tls.ca", files.ca().toString(), "tls.cert", files.cert().toString(),
                    "tls.key", files.key().toString(), "tls.clientAuth", "require", "auth.admin", CLIENT_IDENTITY));
        }
        List<String> command = hosts.command(node, Launch.server("256m", jvmFlags, conf, settings));
        processes[node] = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(nodeDir.resolve("node.log").toFile())).start();
    }

    boolean alive(int node) {
        return processes[node] != null && processes[node].isAlive();
    }

    void kill9(int node) throws InterruptedException {
        if (alive(node)) {
            signal(node, "CONT");
            processes[node].destroyForcibly();
            processes[node].waitFor(10, TimeUnit.SECONDS);
        }
    }

    void pause(int node) {
        signal(node, "STOP");
    }

    void resume(int node) {
        signal(node, "CONT");
    }

    /** kill -9, then removes the node's data directory (on a fault filesystem, what is in it): it must resync from the others. */
    void wipe(int node) throws InterruptedException, IOException {
        kill9(node);
        Path data = directory.resolve("node" + node).resolve("data");
        if (disks[node] == null) {
            io.signalbox.testkit.Processes.deleteRecursively(data);
            return;
        }
        try (java.util.stream.Stream<Path> children = Files.list(data)) {
            for (Path child : children.toList()) {
                io.signalbox.testkit.Processes.deleteRecursively(child);
            }
        }
    }

    /** The fault filesystem under a node's data directory. */
    FaultFs disk(int node) {
        if (disks[node] == null) {
            throw new IllegalStateException("node " + node + " has no fault filesystem: this run has no disk nemesis");
        }
        return disks[node];
    }

    /** Power loss: kill -9 of every node given, then each one's unsynced writes dropped; returns what each lost. */
    List<String> powerLoss(Collection<Integer> lost) throws InterruptedException, IOException {
        for (int node : lost) {
            kill9(node);
        }
        List<String> dropped = new ArrayList<>();
        for (int node : lost) {
            dropped.add("node " + node + " " + disk(node).dropUnsynced());
        }
        return dropped;
    }

    /** Turns every disk fault off (a no-op without fault filesystems). */
    void healDisks() throws IOException {
        for (int i = 1; i <= nodes; i++) {
            if (disks[i] != null) {
                disks[i].failWrites(false);
                disks[i].failFsync(false);
                disks[i].full(false);
            }
        }
    }

    /** Waits at most {@code seconds} for a node's process to end by itself; whether it did. */
    boolean awaitExit(int node, int seconds) throws InterruptedException {
        return processes[node] == null || processes[node].waitFor(seconds, TimeUnit.SECONDS);
    }

    /** Drops packets from every node of {@code from} at every node of {@code to} (one direction). */
    void drop(Collection<Integer> from, Collection<Integer> to) {
        for (int receiver : to) {
            for (int sender : from) {
                if (receiver != sender) {
                    inside(receiver, "iptables", "-A", "INPUT", "-s", hosts.address(sender), "-j", "DROP");
                }
            }
        }
    }

    /** Whether this kernel has tc netem (sch_netem); some, such as minimal VM kernels, do not. */
    boolean netemAvailable() {
        String failure = hosts.tryInside(1, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms");
        hosts.tryInside(1, "tc", "qdisc", "del", "dev", "lo", "root");
        return failure == null;
    }

    void netem(int node, String... spec) {
        List<String> command = new ArrayList<>(List.of("tc", "qdisc", "replace", "dev", "eth0", "root", "netem"));
        command.addAll(List.of(spec));
        inside(node, command.toArray(String[]::new));
    }

    /** Removes every partition and netem rule; continues every paused process. */
    void healNetwork() {
        for (int i = 1; i <= nodes; i++) {
            inside(i, "iptables", "-F", "INPUT");
            hosts.tryInside(i, "tc", "qdisc", "del", "dev", "eth0", "root");
            resume(i);
        }
    }

    String log(int node) throws IOException {
        Path file = directory.resolve("node" + node).resolve("node.log");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private void signal(int node, String signal) {
        if (alive(node)) {
            HostNetwork.tryRun("kill", "-" + signal, String.valueOf(processes[node].pid()));
        }
    }

    private void inside(int node, String... command) {
        hosts.inside(node, command);
    }

    private synchronized void removeEverything() {
        for (int i = 1; i < processes.length; i++) {
            if (processes[i] != null && processes[i].isAlive()) {
                HostNetwork.tryRun("kill", "-CONT", String.valueOf(processes[i].pid()));
                processes[i].destroyForcibly();
                try {
                    processes[i].waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        hosts.remove();
        for (int i = 1; i < disks.length; i++) {
            if (disks[i] != null) {
                disks[i].close(); // after its node is gone, so the unmount is not busy
                disks[i] = null;
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        removeEverything();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down and runs the hook itself
        }
        LOG.info("chaos network removed");
    }
}
