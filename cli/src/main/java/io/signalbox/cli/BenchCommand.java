package io.signalbox.cli;

import io.signalbox.bench.ClusterBench;
import io.signalbox.bench.ElectionBench;
import io.signalbox.bench.JmhBench;
import io.signalbox.bench.ScaleBench;
import io.signalbox.bench.StateBenchmark;
import io.signalbox.bench.StorageBenchmark;
import io.signalbox.bench.chart.ResultCharts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code signalbox bench ...}: measurements that print figures (never run as tests). Each
 * subcommand is only its options; the work, and the checks of the values, are the bench module's.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print figures.",
        subcommands = {BenchCommand.Storage.class, BenchCommand.State.class, BenchCommand.Cluster.class, CompareCommand.class,
            BenchCommand.Elections.class, BenchCommand.Scale.class, BenchCommand.Membership.class, BenchCommand.Observers.class,
            ProxyBenchCommands.Haproxy.class, ProxyBenchCommands.Nginx.class, ProxyBenchCommands.Checker.class, BenchCommand.Jmh.class, BenchCommand.Chart.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What every bench subcommand shares: where it prints, and a value the bench refuses as a usage error (exit 2). */
    abstract static class Subcommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        /** The bench's settings from the options; its IllegalArgumentException, which names the value, becomes picocli's. */
        <T> T checked(Supplier<T> settings) {
            try {
                return settings.get();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
            }
        }
    }

    @Command(name = "chart", mixinStandardHelpOptions = true, description = "Draws the SVG chart of benchmark results already "
            + "written: each FILE.json of bench compare, haproxy or nginx gets FILE.svg next to it.")
    static final class Chart extends Subcommand {
        @CommandLine.Parameters(arity = "1..*", paramLabel = "FILE.json", description = "result files, e.g. bench/results/*.json")
        List<Path> files = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            return ResultCharts.chartAll(out(), spec.commandLine().getErr(), files);
        }
    }

    @Command(name = "storage", mixinStandardHelpOptions = true,
            description = "Measures the raw fsync rate of the data directory's disk, then synced 100-byte appends per second "
                    + "on the RocksDB log with group commit, for each number of concurrent appenders.")
    static final class Storage extends Subcommand {
        @Option(names = "--dir", description = "directory on the disk to measure (default: a new directory under java.io.tmpdir)")
        Path directory;

        @Option(names = "--seconds", defaultValue = "5", description = "measured seconds per setting, after 1 s of warm-up (default: ${DEFAULT-VALUE})")
        double seconds;

        @Option(names = "--appenders", defaultValue = "1,16,256", split = ",",
                description = "numbers of concurrent appenders (default: ${DEFAULT-VALUE})")
        List<Integer> appenders = new ArrayList<>();

        @Option(names = "--entry-bytes", defaultValue = "100", description = "payload bytes per entry (default: ${DEFAULT-VALUE})")
        int entryBytes;

        @Override
        public Integer call() throws Exception {
            StorageBenchmark.run(out(), checked(() -> new StorageBenchmark.Settings(directory, seconds, appenders, entryBytes)));
            return 0;
        }
    }

    @Command(name = "state", mixinStandardHelpOptions = true,
            description = "Builds a configuration of services x servers, then measures events applied per second, "
                    + "snapshot size and time, restore time and heap used. Exits 1 when the restored digest differs.")
    static final class State extends Subcommand {
        @Option(names = "--services", defaultValue = "10000", description = "services (default: ${DEFAULT-VALUE})")
        int services;

        @Option(names = "--servers-per-service", defaultValue = "10", description = "servers per service (default: ${DEFAULT-VALUE})")
        int serversPerService;

        @Option(names = "--events", defaultValue = "2000000", description = "weight-change events to apply (default: ${DEFAULT-VALUE})")
        int events;

        @Override
        public Integer call() {
            StateBenchmark.Settings settings = checked(() -> new StateBenchmark.Settings(services, serversPerService, events));
            return StateBenchmark.run(out(), settings).digestsMatch() ? 0 : 1;
        }
    }

    @Command(name = "cluster", mixinStandardHelpOptions = true,
            description = "Starts N server processes on 127.0.0.1 and measures durable writes/s (100-byte values), LOCAL and "
                    + "LINEARIZABLE reads/s with p50/p99/p999 latency, for each number of outstanding requests.")
    static final class Cluster extends Subcommand {
        @CommandLine.Mixin
        LoadOptions load = new LoadOptions();

        @Option(names = "--workloads", defaultValue = "write,read-local,read-linearizable", split = ",",
                description = "workloads to measure, a row per number outstanding each (default: ${DEFAULT-VALUE}; also "
                        + "write-forwarded: writes through each client's node instead of straight to the leader)")
        List<String> workloads = new ArrayList<>();

        @Option(names = "--base-port", defaultValue = "17000",
                description = "node i listens on BASE+i (peers), BASE+100+i (clients), BASE+200+i (admin) (default: ${DEFAULT-VALUE})")
        int basePort;

        @Option(names = "--profile", description = "record a JFR profile of each server into DIR/nodeN/node.jfr and keep DIR")
        boolean profile;

        @Override
        public Integer call() throws Exception {
            ClusterBench.run(out(), checked(() -> new ClusterBench.Settings(load.settings(), workloads, basePort, profile)));
            return 0;
        }
    }

    @Command(name = "elections", mixinStandardHelpOptions = true,
            description = "Kills the leader (kill -9) again and again and times until a write commits through the survivors; "
                    + "the killed node restarts and rejoins before the next kill. For Signalbox and for a ZooKeeper 3.9 ensemble.")
    static final class Elections extends Subcommand {
        @Option(names = "--nodes", defaultValue = "3", description = "3 or 5 (default: ${DEFAULT-VALUE})")
        int nodes;

        @Option(names = "--kills", defaultValue = "20", description = "leader kills per system (default: ${DEFAULT-VALUE})")
        int kills;

        @Option(names = "--systems", defaultValue = "zookeeper,signalbox", split = ",",
                description = "which to run, ZooKeeper first (default: ${DEFAULT-VALUE})")
        List<String> systems = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            ElectionBench.run(out(), checked(() -> new ElectionBench.Settings(nodes, kills, systems)));
            return 0;
        }
    }

    @Command(name = "scale", mixinStandardHelpOptions = true,
            description = "Times a wiped follower catching up by SNAP on SERVICES x SERVERS servers, and a follower restarting "
                    + "with ENTRIES entries in its log, on 3 real server processes.")
    static final class Scale extends Subcommand {
        @Option(names = "--services", defaultValue = "10000", description = "services for the SNAP catch-up (default: ${DEFAULT-VALUE})")
        int services;

        @Option(names = "--servers-per-service", defaultValue = "10", description = "servers per service (default: ${DEFAULT-VALUE})")
        int serversPerService;

        @Option(names = "--log-entries", defaultValue = "1000000",
                description = "entries in the log of the restarting follower (default: ${DEFAULT-VALUE})")
        int entries;

        @Override
        public Integer call() throws Exception {
            ScaleBench.run(out(), checked(() -> new ScaleBench.Settings(services, serversPerService, entries)));
            return 0;
        }
    }

    @Command(name = "membership", mixinStandardHelpOptions = true, description = "Real processes: on 3 nodes holding "
            + "--services x --servers-per-service servers, the time from `member add` to the new node serving, and the commits per "
            + "second of a steady writer before, during and after the change (docs/membership.md).")
    static final class Membership extends Subcommand {
        @Option(names = "--services", defaultValue = "10000", description = "services (default: ${DEFAULT-VALUE})")
        int services;

        @Option(names = "--servers-per-service", defaultValue = "10", description = "servers per service (default: ${DEFAULT-VALUE})")
        int serversPerService;

        @Override
        public Integer call() throws Exception {
            io.signalbox.bench.MembershipBench.run(out(), services, serversPerService);
            return 0;
        }
    }

    @Command(name = "observers", mixinStandardHelpOptions = true, description = "Real processes: LOCAL reads spread over 3 voters "
            + "and 0, 2 or 4 observers while a steady writer commits: reads per second, p50, p99 and the writer's commits per second "
            + "for each count (docs/membership.md).")
    static final class Observers extends Subcommand {
        @Option(names = "--observers", split = ",", defaultValue = "0,2,4", description = "observer counts, one row each (default: "
                + "${DEFAULT-VALUE})")
        List<Integer> observers;

        @Option(names = "--outstanding", defaultValue = "256", description = "reads outstanding (default: ${DEFAULT-VALUE})")
        int outstanding;

        @Option(names = "--duration", defaultValue = "10", description = "seconds measured per row, after 3 s of warm-up (default: "
                + "${DEFAULT-VALUE})")
        double duration;

        @Override
        public Integer call() throws Exception {
            io.signalbox.bench.ObserverReadBench.run(out(), observers, outstanding, duration);
            return 0;
        }
    }

    @Command(name = "jmh", mixinStandardHelpOptions = true, description = "Runs the JMH micro-benchmarks in io.signalbox.bench.jmh "
            + "(peer frame codec, log append batching, event apply, command prepare, commit bookkeeping); any other arguments go to "
            + "JMH, e.g. a regex, or JMH's own options after --, as in `bench jmh -- -h`.")
    static final class Jmh implements Callable<Integer> {
        @CommandLine.Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            JmhBench.run(args);
            return 0;
        }
    }
}
