package io.signalbox.cli;

import io.signalbox.chaos.ChaosCheck;
import io.signalbox.chaos.ChaosOptions;
import io.signalbox.chaos.ChaosRun;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code signalbox chaos}: one run of the Jepsen-style harness ({@code chaos/}); exit 1 when a check fails. */
@Command(name = "chaos", mixinStandardHelpOptions = true, subcommands = ChaosCommand.Check.class,
        description = "Runs real server processes in Linux network namespaces under partitions, netem, kill -9, pauses, wipes, "
                + "power loss, disk errors and a full disk (a FUSE fault filesystem) "
                + "from one seed while clients record every operation; then checks linearizability, LOCAL reads, acknowledged "
                + "writes, the event stream and replica digests. Needs root, ip and iptables (tc for netem; fuse3 and python3-fusepy for the "
                + "disk nemeses). Exit 1 when a check fails.")
final class ChaosCommand implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "3", description = "3 or 5 (default: ${DEFAULT-VALUE})") int nodes;
    @Option(names = "--time", defaultValue = "60s", description = "how long clients and nemesis run, e.g. 45s or 2m (default: ${DEFAULT-VALUE})")
    String time;
    @Option(names = "--nemesis", defaultValue = "partition,kill,pause", split = ",",
            description = "any of partition, netem, kill, pause, wipe, powerloss, disk-error, disk-full, membership (5 nodes) "
                    + "(default: ${DEFAULT-VALUE})") List<String> nemesis;
    @Option(names = "--seed", defaultValue = "1", description = "seeds the nemesis and the clients' choices (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--out", description = "directory for history.jsonl, report.txt and node logs (default: a new temporary one)") Path out;
    @Option(names = "--clients", defaultValue = "8", description = "register clients writing and reading, 1..64 (default: ${DEFAULT-VALUE})")
    int clients;
    @Option(names = "--keys", defaultValue = "8", description = "registers (each one server's weight), 1..1000 (default: ${DEFAULT-VALUE})")
    int keys;
    @Option(names = "--unsafe-linearizable-reads", description = "TEST ONLY: servers answer LINEARIZABLE reads without the quorum round "
            + "(ZOOKEEPER-1675); the checker must catch it") boolean unsafeReads;
    @Option(names = "--unsafe-ack-before-fsync", description = "TEST ONLY: servers acknowledge appends before their fsync; "
            + "the powerloss nemesis must catch it") boolean unsafeAckBeforeFsync;
    @Option(names = "--tls", description = "TLS on every port with client certificates required and roles checked (certificates "
            + "made in the run directory's certs/); without it the nodes run insecure=true") boolean tls;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter printer = spec.commandLine().getOut();
        ChaosOptions options;
        try {
            options = new ChaosOptions(nodes, ChaosRun.parseSeconds(time), nemesis, seed, clients, keys, unsafeReads, unsafeAckBeforeFsync, tls);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Path directory = out != null ? Files.createDirectories(out) : Files.createTempDirectory("signalbox-chaos-");
        try {
            return new ChaosRun(options).runAndSave(printer, directory) ? 0 : 1;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** {@code signalbox chaos check DIR}: the checkers again on a saved run, starting nothing; exit 1 when a check fails. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Re-runs every checker on a saved chaos run (history.jsonl, final.jsonl and the node logs in DIR) without "
                    + "starting anything, as Jepsen's analyze does. Exit 1 when a check fails.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "the --out directory of a chaos run") Path directory;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try {
                return ChaosCheck.runAndPrint(directory, spec.commandLine().getOut()) ? 0 : 1;
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }
}
