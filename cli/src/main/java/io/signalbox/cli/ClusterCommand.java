package io.signalbox.cli;

import io.signalbox.server.NodeConfig;
import io.signalbox.testkit.Launch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code signalbox cluster --nodes 3 --dir DIR}: a development cluster of real server
 * processes on 127.0.0.1. Writes each node's signalbox.conf, starts the children with their
 * logs in DIR/nodeN/node.log, and stops them all on Ctrl-C (or when one dies).
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Runs a local cluster of N server processes on 127.0.0.1; Ctrl-C stops them all.")
public final class ClusterCommand implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "3", description = "3, 5 or 7 (default: ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--dir", required = true, description = "directory for configs, data and logs")
    Path directory;

    @Option(names = "--base-port", defaultValue = "7000",
            description = "node i uses base+i (peers), base+100+i (clients), base+200+i (admin) (default: ${DEFAULT-VALUE})")
    int basePort;

    @Option(names = "--add", paramLabel = "ID", description = "instead: add node ID to the cluster running from --dir (`ctl member "
            + "add`, then the node joins with the members it lists) and run it until Ctrl-C")
    Integer add;

    @Option(names = "--observer", description = "with --add: add the node as an observer (promote it later with `ctl member "
            + "promote`)")
    boolean observer;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (add != null) {
            return addNode(add);
        }
        if (!(nodes == 3 || nodes == 5 || nodes == 7)) {
            System.err.println("signalbox cluster: --nodes " + nodes + ": a cluster has 3, 5 or 7 nodes");
            return 2;
        }
        List<NodeConfig.Member> members = NodeConfig.localMembers(nodes, basePort);
        List<Process> children = new ArrayList<>();
        Thread hook = new Thread(() -> stopAll(children), "signalbox-cluster-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        for (NodeConfig.Member member : members) {
            Path nodeDir = directory.resolve("node" + member.id());
            Files.createDirectories(nodeDir);
            Path conf = NodeConfig.writeFile(nodeDir, member.id(), members);
            children.add(new ProcessBuilder(Launch.server(Launch.DEFAULT_HEAP, List.of(), conf, List.of()))
                    .redirectErrorStream(true).redirectOutput(nodeDir.resolve("node.log").toFile()).start());
        }
        System.out.println("signalbox cluster: " + nodes + " nodes running; logs in " + directory + "/nodeN/node.log");
        for (NodeConfig.Member m : members) {
            System.out.println("  node " + m.id() + ": clients " + m.clientAddress() + "  status page http://" + m.adminAddress() + "/");
        }
        String connect = members.stream().map(NodeConfig.Member::clientAddress).collect(Collectors.joining(","));
        System.out.println("try: ./signalbox ctl --connect " + connect + " status   (or export SIGNALBOX_CONNECT=" + connect + ")");
        while (children.stream().allMatch(Process::isAlive)) {
            Thread.sleep(500);
        }
        System.err.println("signalbox cluster: a node exited; stopping the others");
        stopAll(children);
        return 1;
    }

    /** Adds node {@code id} on this cluster's ports through the log, then runs it in this process as {@code server --join} would. */
    private int addNode(int id) throws IOException, InterruptedException {
        if (id < 1 || id > 99) {
            System.err.println("signalbox cluster: --add " + id + ": a node id of this cluster is 1..99 (ports base+id)");
            return 2;
        }
        NodeConfig.Member node = NodeConfig.localMembers(id, basePort).get(id - 1);
        String anyMember = NodeConfig.localMembers(7, basePort).stream().map(NodeConfig.Member::clientAddress)
                .collect(Collectors.joining(","));
        java.util.Map<String, String> keys;
        try (io.signalbox.client.SignalboxClient client = io.signalbox.client.SignalboxClient.connect(anyMember)) {
            io.signalbox.protocol.MemberChangeRequest change = observer
                    ? io.signalbox.protocol.MemberChangeRequest.addObserver(id, node.peerAddress(), node.clientAddress(), node.adminAddress())
                    : io.signalbox.protocol.MemberChangeRequest.add(id, node.peerAddress(), node.clientAddress(), node.adminAddress());
            long zxid = client.changeMembers(change).zxid();
            System.out.println("signalbox cluster: node " + id + " added" + (observer ? " as an observer" : "") + " at zxid "
                    + io.signalbox.common.Zxid.format(zxid)
                    + "; starting it (clients " + node.clientAddress() + ", status page http://" + node.adminAddress() + "/)");
            keys = null;
            for (int attempt = 0; keys == null; attempt++) { // the member asked may append the entry a moment after it commits
                try {
                    keys = new java.util.TreeMap<>(ClusterJoin.memberKeys(client.status(), id, anyMember));
                } catch (IllegalArgumentException e) {
                    if (attempt == 50) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("signalbox cluster: --add " + id + ": " + e.getMessage());
            return 1;
        }
        Path nodeDir = Files.createDirectories(directory.resolve("node" + id));
        keys.put("id", String.valueOf(id));
        keys.put("dataDir", nodeDir.resolve("data").toString());
        return io.signalbox.server.ServerMain.run(null, keys, System.err);
    }

    private static synchronized void stopAll(List<Process> children) {
        io.signalbox.testkit.Processes.stopAll(children, 10);
    }
}
