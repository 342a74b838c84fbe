package io.signalbox.chaos;

import io.signalbox.server.NodeConfig;
import io.signalbox.testkit.Launch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real {@code signalbox server} processes, each in its own Linux network namespace
 * ({@code sbx-n1}...), joined by veth pairs to one bridge ({@code sbx-br}, 10.77.7.254) in the
 * root namespace, where the clients run. Node i is 10.77.7.i. Faults are applied inside the
 * namespaces: iptables DROP rules for partitions, tc netem for delay, loss and reordering;
 * and to the processes: kill -9, SIGSTOP/SIGCONT, wiping the data directory. {@link #close()}
 * removes everything it created; a shutdown hook does the same on Ctrl-C. One run per
 * machine at a time: the names are fixed, and leftovers of a killed run are removed first.
 */
final class ChaosNetwork implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChaosNetwork.class);
    static final String BRIDGE = "sbx-br";
    static final String SUBNET = "10.77.7.";

    private final int nodes;
    private final Path directory;
    private final List<String> jvmFlags;
    private final Process[] processes;
    private final List<NodeConfig.Member> members = new ArrayList<>();
    private final Thread cleanup = new Thread(this::removeEverything, "chaos-cleanup");
    private boolean closed;

    private ChaosNetwork(int nodes, Path directory, List<String> jvmFlags) {
        this.nodes = nodes;
        this.directory = directory;
        this.jvmFlags = List.copyOf(jvmFlags);
        this.processes = new Process[nodes + 1];
        for (int i = 1; i <= nodes; i++) {
            members.add(new NodeConfig.Member(i, address(i), 7001, 7101, 7201));
        }
    }

    /** Builds the namespaces and the bridge and starts every node; removes it all again if any step fails. */
    static ChaosNetwork start(int nodes, Path directory, List<String> jvmFlags) throws IOException {
        ChaosNetwork network = new ChaosNetwork(nodes, directory, jvmFlags);
        network.removeEverything(); // leftovers of a run that was killed
        Runtime.getRuntime().addShutdownHook(network.cleanup);
        try {
            network.build();
            for (int i = 1; i <= nodes; i++) {
                network.startNode(i);
            }
        } catch (IOException | RuntimeException e) {
            network.close();
            throw e;
        }
        return network;
    }

    static String address(int node) {
        return SUBNET + node;
    }

    static String namespace(int node) {
        return "sbx-n" + node;
    }

    List<NodeConfig.Member> members() {
        return members;
    }

    String clientAddresses() {
        return String.join(",", members.stream().map(NodeConfig.Member::clientAddress).toList());
    }

    private void build() {
        run("ip", "link", "add", BRIDGE, "type", "bridge");
        run("ip", "addr", "add", SUBNET + "254/24", "dev", BRIDGE);
        run("ip", "link", "set", BRIDGE, "up");
        for (int i = 1; i <= nodes; i++) {
            String ns = namespace(i);
            run("ip", "netns", "add", ns);
            run("ip", "link", "add", "sbx-h" + i, "type", "veth", "peer", "name", "sbx-p" + i);
            run("ip", "link", "set", "sbx-p" + i, "netns", ns);
            run("ip", "link", "set", "sbx-h" + i, "master", BRIDGE);
            run("ip", "link", "set", "sbx-h" + i, "up");
            inside(i, "ip", "link", "set", "sbx-p" + i, "name", "eth0");
            inside(i, "ip", "addr", "add", address(i) + "/24", "dev", "eth0");
            inside(i, "ip", "link", "set", "eth0", "up");
            inside(i, "ip", "link", "set", "lo", "up");
        }
        LOG.info("chaos network: bridge {} at {}254, nodes {}1..{}{} in namespaces sbx-n1..sbx-n{}", BRIDGE, SUBNET, SUBNET, SUBNET,
                nodes, nodes);
    }

    void startNode(int node) throws IOException {
        Path nodeDir = directory.resolve("node" + node);
        Files.createDirectories(nodeDir);
        Path conf = NodeConfig.writeFile(nodeDir, node, members);
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace(node)));
        command.addAll(Launch.server("256m", jvmFlags, conf, List.of("--set", "historyEntriesMax=1000000")));
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

    /** kill -9, then removes the node's data directory: it must resync from the others. */
    void wipe(int node) throws InterruptedException, IOException {
        kill9(node);
        io.signalbox.testkit.Processes.deleteRecursively(directory.resolve("node" + node).resolve("data"));
    }

    /** Drops packets from every node of {@code from} at every node of {@code to} (one direction). */
    void drop(Collection<Integer> from, Collection<Integer> to) {
        for (int receiver : to) {
            for (int sender : from) {
                if (receiver != sender) {
                    inside(receiver, "iptables", "-A", "INPUT", "-s", address(sender), "-j", "DROP");
                }
            }
        }
    }

    /** Whether this kernel has tc netem (sch_netem); some, such as minimal VM kernels, do not. */
    boolean netemAvailable() {
        String failure = tryRun("ip", "netns", "exec", namespace(1), "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms");
        tryRun("ip", "netns", "exec", namespace(1), "tc", "qdisc", "del", "dev", "lo", "root");
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
            tryRun("ip", "netns", "exec", namespace(i), "tc", "qdisc", "del", "dev", "eth0", "root");
            resume(i);
        }
    }

    String log(int node) throws IOException {
        Path file = directory.resolve("node" + node).resolve("node.log");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private void signal(int node, String signal) {
        if (alive(node)) {
            tryRun("kill", "-" + signal, String.valueOf(processes[node].pid()));
        }
    }

    private void inside(int node, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(node)));
        full.addAll(List.of(command));
        run(full.toArray(String[]::new));
    }

    private static void run(String... command) {
        String failure = tryRun(command);
        if (failure != null) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + failure);
        }
    }

    /** Null on success, else the command's output. */
    private static String tryRun(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readNBytes(16 * 1024);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "did not finish within 10 s";
            }
            return process.exitValue() == 0 ? null : new String(output, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private synchronized void removeEverything() {
        for (int i = 1; i < processes.length; i++) {
            if (processes[i] != null && processes[i].isAlive()) {
                tryRun("kill", "-CONT", String.valueOf(processes[i].pid()));
                processes[i].destroyForcibly();
            }
        }
        for (int i = 1; i <= 9; i++) {
            tryRun("ip", "link", "del", "sbx-h" + i); // removes both ends now; a deleted namespace frees its end only later
            tryRun("ip", "netns", "del", namespace(i));
        }
        tryRun("ip", "link", "del", BRIDGE);
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
