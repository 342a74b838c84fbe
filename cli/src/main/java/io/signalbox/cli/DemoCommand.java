package io.signalbox.cli;

import io.signalbox.client.SignalboxClient;
import io.signalbox.server.LocalCluster;
import io.signalbox.state.Command;
import io.signalbox.state.HealthCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code signalbox demo}: a 3-node cluster in this process on its embedded defaults, with a
 * small sample configuration, the status page address and a few commands to try. Ctrl-C
 * stops it; a temporary data directory is removed then.
 */
@CommandLine.Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Starts a local 3-node cluster on embedded defaults, loads a sample configuration and waits for Ctrl-C.")
public final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", description = "data directory to keep (default: a temporary one, removed at exit)")
    Path directory;

    @Option(names = "--base-port", defaultValue = "7000", description = "node i: base+i peers, base+100+i clients, base+200+i admin")
    int basePort;

    @Option(names = "--exit", description = "stop right after loading the sample (for scripted checks)")
    boolean exit;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        boolean temporary = directory == null;
        Path dir = temporary ? Files.createTempDirectory("signalbox-demo") : directory;
        CountDownLatch stopped = new CountDownLatch(1);
        LocalCluster cluster = LocalCluster.start(3, basePort, dir);
        Thread hook = new Thread(() -> {
            cluster.close();
            if (temporary) {
                deleteQuietly(dir);
            }
            stopped.countDown();
        }, "signalbox-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (SignalboxClient client = SignalboxClient.connect(cluster.clientAddresses())) {
            if (client.read(io.signalbox.protocol.Consistency.LINEARIZABLE, "web").configuration().services().isEmpty()) {
                loadSample(client);
            }
        }
        String connect = cluster.clientAddresses();
        out.println("Signalbox demo: 3 nodes on 127.0.0.1, data in " + dir + (temporary ? " (removed at exit)" : ""));
        for (var m : cluster.members()) {
            out.println("  node " + m.id() + ": clients " + m.clientAddress() + "   status page http://" + m.adminAddress() + "/");
        }
        out.println();
        out.println("Try, in another terminal:");
        out.println("  ./signalbox ctl --connect " + connect + " status");
        out.println("  ./signalbox ctl --connect " + connect + " server ls");
        out.println("  ./signalbox ctl --connect " + connect + " server set web web-2 --weight 30");
        out.println("  ./signalbox ctl --connect " + connect + " server drain web web-3");
        out.println("  ./signalbox ctl --connect " + connect + " watch --from 0");
        out.println("  curl -s http://" + cluster.members().get(0).adminAddress() + "/metrics | grep signalbox_commits");
        out.println();
        out.println(exit ? "Stopping (--exit)." : "Ctrl-C stops the cluster.");
        out.flush();
        if (exit) {
            Runtime.getRuntime().removeShutdownHook(hook);
            hook.run();
            return 0;
        }
        stopped.await();
        return 0;
    }

    private static void loadSample(SignalboxClient client) {
        HealthCheck http = new HealthCheck("/health", 2000, 2, 3);
        client.submit(new Command.PutService("web", "http", 8080, "roundrobin", http, 5000, 30000, 30000, null));
        client.submit(new Command.PutService("api", "http", 8081, "leastconn", http, 5000, 30000, 30000, null));
        for (int i = 1; i <= 3; i++) {
            client.submit(new Command.RegisterServer("web", "web-" + i, "10.0.1." + i, 8000, 10, "ready", false,
                    Map.of("zone", i % 2 == 0 ? "b" : "a"), 0, null));
        }
        for (int i = 1; i <= 2; i++) {
            client.submit(new Command.RegisterServer("api", "api-" + i, "10.0.2." + i, 9000, 10, "ready", false, Map.of(), 0, null));
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}
