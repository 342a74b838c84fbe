package io.signalbox.server;

import io.signalbox.common.MainArguments;
import io.signalbox.common.StopSignals;
import io.signalbox.server.node.SignalboxNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one node from its configuration file until SIGTERM or Ctrl-C, then stops it gracefully:
 * {@code java -cp ... io.signalbox.server.ServerMain --config signalbox.conf [--set key=value]...}.
 * What {@code signalbox server} runs, and what the process fixtures, benchmarks and the chaos
 * harness start, without the command line. Exit codes: 0 stopped on request, 1 failed, 2 bad
 * configuration (the message names the key and what is allowed).
 */
public final class ServerMain {
    private ServerMain() {}

    public static void main(String[] args) throws InterruptedException {
        MainArguments arguments;
        try {
            arguments = MainArguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("signalbox server: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(arguments.config(), arguments.overrides(), System.err));
    }

    /** Loads the configuration ({@code file} may be null: overrides only), runs the node until a stop signal; returns the exit code. */
    public static int run(Path file, Map<String, String> overrides, PrintStream errors) throws InterruptedException {
        // Netty's default records a stack trace for one buffer in 128 to find leaks: 2% of a leader's network
        // thread at 16 writes outstanding. Tests host nodes without this method and keep it; the property overrides.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
        NodeConfig nodeConfig;
        try {
            nodeConfig = NodeConfig.load(file, overrides);
        } catch (IllegalArgumentException e) {
            errors.println("signalbox server: " + e.getMessage());
            return 2;
        }
        SignalboxNode node;
        try {
            node = SignalboxNode.start(nodeConfig);
        } catch (RuntimeException e) {
            errors.println("signalbox server: cannot start node " + nodeConfig.id() + ": " + e.getMessage());
            return 1;
        }
        // A kill -9 needs no handling: what was acknowledged is durable.
        CountDownLatch stopRequested = StopSignals.install();
        while (node.running()) {
            if (stopRequested.await(200, TimeUnit.MILLISECONDS)) {
                node.close();
                return 0;
            }
        }
        node.close();
        errors.println("signalbox server: node " + nodeConfig.id() + " stopped after a failure; see the log");
        return 1;
    }
}
