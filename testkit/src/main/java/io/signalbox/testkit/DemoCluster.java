package io.signalbox.testkit;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.SignalboxClient;
import io.signalbox.server.LocalCluster;
import io.signalbox.tls.DevCertificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code signalbox demo} runs: a {@link LocalCluster} of 3 with {@link DemoSample} loaded
 * and a few commands to try. With TLS, development certificates are made once in
 * {@code dir/certs} (nodes 1..3, clients ctl and agent) and every port is TLS with client
 * certificates required. {@link #close()} stops the nodes and removes a temporary directory.
 */
public final class DemoCluster implements AutoCloseable {
    private final LocalCluster cluster;
    private final Path dir;
    private final boolean temporary;
    private final Path certs;

    private DemoCluster(LocalCluster cluster, Path dir, boolean temporary, Path certs) {
        this.cluster = cluster;
        this.dir = dir;
        this.temporary = temporary;
        this.certs = certs;
    }

    /** {@code dir} null: a temporary directory, removed by {@link #close()}. */
    public static DemoCluster start(Path dir, int basePort, boolean tls) throws IOException {
        Path directory = dir == null ? Files.createTempDirectory("signalbox-demo") : dir;
        Path certs = tls ? directory.resolve("certs") : null;
        if (tls && !Files.exists(certs.resolve("ca.pem"))) {
            DevCertificates.createSet(certs, 3, List.of("ctl", "agent"), List.of("127.0.0.1", "localhost"), Duration.ofDays(30));
        }
        DemoCluster demo = new DemoCluster(LocalCluster.start(3, basePort, directory, certs), directory, dir == null, certs);
        ClientOptions options = ClientOptions.of(demo.cluster.clientAddresses());
        try (SignalboxClient client = new SignalboxClient(tls ? options.withTls(DevCertificates.files(certs, "ctl")) : options)) {
            DemoSample.loadIfEmpty(client);
        } catch (RuntimeException e) {
            demo.close();
            throw e;
        }
        return demo;
    }

    /** The addresses, the status pages and commands to try, ready to paste. */
    public void printIntro(PrintWriter out) {
        String ctl = "./signalbox ctl --connect " + cluster.clientAddresses() + (certs == null ? "" : " --ca " + certs.resolve("ca.pem")
                + " --cert " + certs.resolve("ctl.pem") + " --key " + certs.resolve("ctl.key"));
        String scheme = certs == null ? "http://" : "https://";
        out.println("Signalbox demo: 3 nodes on 127.0.0.1" + (certs == null ? "" : " with TLS (certificates in " + certs + ")")
                + ", data in " + dir + (temporary ? " (removed at exit)" : ""));
        for (var m : cluster.members()) {
            out.println("  node " + m.id() + ": clients " + m.clientAddress() + "   status page " + scheme + m.adminAddress() + "/");
        }
        out.println();
        out.println("Try, in another terminal:");
        for (String command : List.of("status", "server ls", "server set web web-2 --weight 30", "server drain web web-3", "watch --from 0")) {
            out.println("  " + ctl + " " + command);
        }
        out.println("  curl -s " + (certs == null ? "" : "--cacert " + certs.resolve("ca.pem") + " ") + scheme
                + cluster.members().get(0).adminAddress() + "/metrics | grep signalbox_commits");
    }

    @Override
    public void close() {
        cluster.close();
        if (temporary) {
            try {
                Processes.deleteRecursively(dir);
            } catch (IOException e) {
                // best effort: a temporary directory
            }
        }
    }
}
