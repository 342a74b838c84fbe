package io.signalbox.cli;

import io.signalbox.tls.DevCertificates;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code signalbox certs create}: a development CA and certificates for the nodes and clients (docs/security.md). */
@Command(name = "certs", mixinStandardHelpOptions = true, description = "Development certificates for TLS.",
        subcommands = CertsCommand.Create.class)
public final class CertsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Writes ca.pem/ca.key, node-N.pem/.key (CN=signalbox-node-N) "
            + "and CLIENT.pem/.key into DIR; refuses a DIR that already holds a ca.pem.")
    static final class Create implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "where to write the files") Path dir;
        @Option(names = "--nodes", defaultValue = "3", description = "members 1..N (default: ${DEFAULT-VALUE})") int nodes;
        @Option(names = "--client", description = "a client certificate's name (its CN); repeatable") List<String> clients = new ArrayList<>();
        @Option(names = "--host", split = ",", defaultValue = "127.0.0.1,localhost",
                description = "names and addresses in the node certificates, as clients dial them (default: ${DEFAULT-VALUE})") List<String> hosts;
        @Option(names = "--days", defaultValue = "365", description = "validity (default: ${DEFAULT-VALUE})") int days;

        @Override
        public Integer call() {
            try {
                DevCertificates.CreatedSet set = DevCertificates.createSet(dir, nodes, clients, hosts, Duration.ofDays(days));
                set.written().forEach(file -> System.out.println("wrote " + file));
                System.out.println("ca.key signs new certificates: keep it away from the nodes (docs/security.md, rotating certificates)");
                return 0;
            } catch (IllegalArgumentException | UncheckedIOException e) {
                System.err.println("signalbox certs create: " + e.getMessage());
                return 2;
            }
        }
    }
}
