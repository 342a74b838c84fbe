package io.signalbox.cli;

import io.signalbox.server.NodeConfig;
import io.signalbox.server.node.SignalboxNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code signalbox server --config FILE}: runs one node until SIGTERM or Ctrl-C, then stops it gracefully. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Runs one Signalbox node. Values come from --config (properties: id, member.N=host:peerPort:clientPort:adminPort, "
                + "dataDir, tickMs, ...); flags override the file. SIGTERM stops it gracefully and it exits 0.")
public final class ServerCommand implements Callable<Integer> {
    @Option(names = "--config", description = "signalbox.conf (Java properties)")
    Path config;

    @Option(names = "--id", description = "this node's id (overrides id=)")
    Integer id;

    @Option(names = "--data-dir", description = "data directory (overrides dataDir=)")
    Path dataDir;

    @Option(names = "--member", description = "N=host:peerPort:clientPort:adminPort (overrides member.N=); repeatable")
    Map<String, String> members = new LinkedHashMap<>();

    @Option(names = "--set", description = "key=value for any other configuration key; repeatable")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> overrides = new LinkedHashMap<>(settings);
        if (id != null) {
            overrides.put("id", String.valueOf(id));
        }
        if (dataDir != null) {
            overrides.put("dataDir", dataDir.toString());
        }
        members.forEach((n, value) -> overrides.put("member." + n, value));
        NodeConfig nodeConfig;
        try {
            nodeConfig = NodeConfig.load(config, overrides);
        } catch (IllegalArgumentException e) {
            System.err.println("signalbox server: " + e.getMessage());
            return 2;
        }
        SignalboxNode node;
        try {
            node = SignalboxNode.start(nodeConfig);
        } catch (RuntimeException e) {
            System.err.println("signalbox server: cannot start node " + nodeConfig.id() + ": " + e.getMessage());
            return 1;
        }
        // SIGTERM and Ctrl-C stop the node here, then main returns 0; the JVM's own shutdown
        // (logs, profiles) still runs afterwards. A kill -9 needs no handling: the log is durable.
        CountDownLatch stopRequested = stopSignals();
        while (node.running()) {
            if (stopRequested.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                node.close();
                return 0;
            }
        }
        node.close();
        System.err.println("signalbox server: node " + nodeConfig.id() + " stopped after a failure; see the log");
        return 1;
    }

    /** Counts down on SIGTERM or Ctrl-C, so a long-running command can stop what it runs and exit 0. */
    static CountDownLatch stopSignals() {
        CountDownLatch stopRequested = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stopRequested.countDown());
        }
        return stopRequested;
    }
}
