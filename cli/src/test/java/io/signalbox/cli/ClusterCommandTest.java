package io.signalbox.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.state.Command;
import io.signalbox.testkit.Launch;
import io.signalbox.testkit.ProcessCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code signalbox cluster} as a user runs it: a child process per node, all stopped with it. */
class ClusterCommandTest {
    @TempDir
    Path directory;

    private static List<String> signalbox(String... args) {
        List<String> command = Launch.java(Launch.DEFAULT_HEAP);
        command.add(SignalboxCommand.class.getName());
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void theClusterCommandRunsNodesAsChildProcessesAndStopsThemAll() throws Exception {
        Process cluster = new ProcessBuilder(signalbox("cluster", "--nodes", "3", "--dir", directory.toString(), "--base-port", "28900")).redirectErrorStream(true).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(cluster.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.contains("3 nodes running"), line);
            String addresses = "127.0.0.1:29001,127.0.0.1:29002,127.0.0.1:29003";
            try (SignalboxClient client = SignalboxClient.connect(addresses)) {
                ProcessCluster.await("the child nodes elect a leader", Duration.ofSeconds(30), () -> {
                    try {
                        return client.status().members().stream().allMatch(Member::reachable);
                    } catch (SignalboxException e) {
                        return false;
                    }
                });
                assertTrue(client.submit(new Command.PutService("web", "http", 8080, "roundrobin", null, 1000, 1000, 1000, null)).zxid() > 0);
            }
            // a fourth node added to the running cluster: through the log, then it joins and serves what was written
            Process added = new ProcessBuilder(signalbox("cluster", "--dir", directory.toString(), "--base-port", "28900", "--add", "4"))
                    .redirectErrorStream(true).redirectOutput(directory.resolve("add.log").toFile()).start();
            try (SignalboxClient four = SignalboxClient.connect("127.0.0.1:29004")) {
                ProcessCluster.await("node 4 serves the cluster's data", Duration.ofSeconds(40), () -> {
                    try {
                        return four.read(io.signalbox.protocol.Consistency.LOCAL, "web").configuration().services().size() == 1
                                && four.status().members().stream().filter(m -> m.voting().equals(Member.VOTER)).count() == 4;
                    } catch (SignalboxException e) {
                        return false;
                    }
                });
            } finally {
                added.destroy();
                assertTrue(added.waitFor(30, java.util.concurrent.TimeUnit.SECONDS),
                        java.nio.file.Files.readString(directory.resolve("add.log")));
            }
            cluster.destroy();
            assertTrue(cluster.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            for (int port : new int[] {29001, 29002, 29003}) {
                ProcessCluster.await("node on " + port + " stopped", Duration.ofSeconds(15), () -> {
                    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                        return false;
                    } catch (java.io.IOException e) {
                        return true;
                    }
                });
            }
        } finally {
            cluster.destroyForcibly();
        }
    }

}
