package io.signalbox.cli;

import io.signalbox.bench.StateBenchmark;
import io.signalbox.bench.StorageBenchmark;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code signalbox bench ...}: measurements that print figures (never run as tests). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print figures.",
        subcommands = {BenchCommand.Storage.class, BenchCommand.State.class, BenchCommand.Cluster.class, CompareCommand.class,
            BenchCommand.Elections.class, BenchCommand.Scale.class, ProxyBenchCommands.Haproxy.class, ProxyBenchCommands.Nginx.class,
            ProxyBenchCommands.Checker.class, BenchCommand.Jmh.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code signalbox bench storage}: raw fsync rate vs group-committed appends on RocksDB. */
    @Command(name = "storage", mixinStandardHelpOptions = true,
            description = "Measures the raw fsync rate of the data directory's disk, then synced 100-byte appends per second "
                    + "on the RocksDB log with group commit, for each number of concurrent appenders.")
    static final class Storage implements Callable<Integer> {
        @Option(names = "--dir", description = "directory on the disk to measure (default: a new directory under java.io.tmpdir)")
        Path directory;

        @Option(names = "--seconds", defaultValue = "5", description = "measured seconds per setting, after 1 s of warm-up (default: ${DEFAULT-VALUE})")
        double seconds;

        @Option(names = "--appenders", defaultValue = "1,16,256", split = ",",
                description = "numbers of concurrent appenders (default: ${DEFAULT-VALUE})")
        List<Integer> appenders = new ArrayList<>();

        @Option(names = "--entry-bytes", defaultValue = "100", description = "payload bytes per entry (default: ${DEFAULT-VALUE})")
        int entryBytes;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            for (int count : appenders) {
                if (count < 1 || count > 4_096) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--appenders values must be in 1..4096, got " + count);
                }
            }
            boolean temporary = directory == null;
            Path dir = temporary ? Files.createTempDirectory("signalbox-bench-storage-") : directory;
            StorageBenchmark benchmark;
            try {
                benchmark = new StorageBenchmark(dir, entryBytes, seconds);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            try {
                out.printf("storage benchmark: dir=%s entry_bytes=%d seconds=%.1f cores=%d jvm=%s%n", dir, entryBytes, seconds,
                        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
                double fsyncs = benchmark.rawFsyncsPerSecond();
                out.printf("raw_fsync_per_s=%.0f (write %d bytes + fdatasync, one thread)%n", fsyncs, entryBytes);
                out.printf("%-10s %12s %10s %8s %8s %9s%n", "appenders", "appends/s", "avg_batch", "p50_ms", "p99_ms", "x_fsync");
                out.flush();
                for (int count : appenders) {
                    StorageBenchmark.Row row = benchmark.groupCommit(count);
                    out.printf("%-10d %12.0f %10.1f %8.2f %8.2f %9.1f%n", row.appenders(), row.appendsPerSecond(),
                            row.averageBatchEntries(), row.p50Ms(), row.p99Ms(), row.appendsPerSecond() / fsyncs);
                    out.flush();
                }
            } finally {
                if (temporary) {
                    StorageBenchmark.deleteRecursively(dir);
                }
            }
            return 0;
        }
    }

    /** {@code signalbox bench state}: the configuration state machine at scale. */
    @Command(name = "state", mixinStandardHelpOptions = true,
            description = "Builds a configuration of services x servers, then measures events applied per second, "
                    + "snapshot size and time, restore time and heap used.")
    static final class State implements Callable<Integer> {
        @Option(names = "--services", defaultValue = "10000", description = "services (default: ${DEFAULT-VALUE})")
        int services;

        @Option(names = "--servers-per-service", defaultValue = "10", description = "servers per service (default: ${DEFAULT-VALUE})")
        int serversPerService;

        @Option(names = "--events", defaultValue = "2000000", description = "weight-change events to apply (default: ${DEFAULT-VALUE})")
        int events;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            StateBenchmark benchmark;
            try {
                benchmark = new StateBenchmark(services, serversPerService, events);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            out.printf("state benchmark: services=%d servers_per_service=%d events=%d cores=%d max_heap_mb=%d jvm=%s%n", services,
                    serversPerService, events, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                    System.getProperty("java.vm.version"));
            StateBenchmark.Result result = benchmark.run(out);
            out.printf("servers=%d build_ms=%d events_applied_per_s=%.0f snapshot_bytes=%d snapshot_ms=%d restore_ms=%d "
                    + "heap_mb=%.1f digests_match=%s%n", result.servers(), result.buildMs(), result.eventsAppliedPerSecond(),
                    result.snapshotBytes(), result.snapshotMs(), result.restoreMs(), result.heapBytes() / 1048576.0, result.digestsMatch());
            return result.digestsMatch() ? 0 : 1;
        }
    }

    /** {@code signalbox bench cluster}: durable writes and reads against a local cluster of real server processes. */
    @Command(name = "cluster", mixinStandardHelpOptions = true,
            description = "Starts N server processes on 127.0.0.1 and measures durable writes/s (100-byte values), LOCAL and "
                    + "LINEARIZABLE reads/s with p50/p99/p999 latency, for each number of outstanding requests.")
    static final class Cluster implements Callable<Integer> {
        @CommandLine.Mixin
        LoadOptions load = new LoadOptions();

        @Option(names = "--workloads", defaultValue = "write,read-local,read-linearizable", split = ",")
        List<String> workloads = new ArrayList<>();

        @Option(names = "--base-port", defaultValue = "17000")
        int basePort;

        @Option(names = "--profile", description = "record a JFR profile of each server into DIR/nodeN/node.jfr and keep DIR")
        boolean profile;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            load.validate(spec.commandLine());
            Path dir = Files.createTempDirectory("signalbox-bench-cluster-");
            out.printf("cluster benchmark: nodes=%d value_bytes=%d duration_s=%.0f warmup_s=%.0f heap=%s %s data=%s%n", load.nodes,
                    load.valueBytes, load.seconds, load.warmupSeconds, load.heap, Machine.describe(), dir);
            try (ClusterBench bench = new ClusterBench(load.nodes, basePort, dir, load.valueBytes, load.heap, profile)) {
                bench.prepare();
                ClusterBench.printHeader(out);
                for (String workload : workloads) {
                    for (int count : load.outstanding) {
                        ClusterBench.print(out, bench.run(workload, count, load.warmupSeconds, load.seconds));
                    }
                }
            } finally {
                if (profile) {
                    out.println("profiles kept in " + dir + "/nodeN/node.jfr (jfr print --events jdk.ExecutionSample ...)");
                } else {
                    StorageBenchmark.deleteRecursively(dir);
                }
            }
            return 0;
        }
    }

    /** {@code signalbox bench elections}: failover time after kill -9 of the leader, Signalbox and ZooKeeper. */
    @Command(name = "elections", mixinStandardHelpOptions = true,
            description = "Kills the leader (kill -9) again and again and times until a write commits through the survivors; "
                    + "the killed node restarts and rejoins before the next kill. For Signalbox and for a ZooKeeper 3.9 ensemble.")
    static final class Elections implements Callable<Integer> {
        @Option(names = "--nodes", defaultValue = "3", description = "3 or 5 (default: ${DEFAULT-VALUE})")
        int nodes;

        @Option(names = "--kills", defaultValue = "20", description = "leader kills per system (default: ${DEFAULT-VALUE})")
        int kills;

        @Option(names = "--systems", defaultValue = "zookeeper,signalbox", split = ",", description = "(default: ${DEFAULT-VALUE})")
        List<String> systems = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (!(nodes == 3 || nodes == 5) || kills < 1 || kills > 1_000 || !List.of("zookeeper", "signalbox").containsAll(systems)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--nodes 3 or 5, --kills 1..1000, --systems zookeeper,signalbox");
            }
            out.println("elections: nodes=" + nodes + " kills=" + kills + " " + Machine.describe()
                    + "; time from kill -9 of the leader to the first write committed through the survivors");
            out.flush();
            if (systems.contains("zookeeper")) {
                Path dir = Files.createTempDirectory("signalbox-elections-zk-");
                List<String> java = Launch.java(Launch.DEFAULT_HEAP);
                try {
                    out.println("zookeeper " + ElectionBench.summary(ElectionBench.zookeeper(nodes, kills, dir, java)));
                } finally {
                    StorageBenchmark.deleteRecursively(dir);
                }
                out.flush();
            }
            if (systems.contains("signalbox")) {
                Path dir = Files.createTempDirectory("signalbox-elections-sb-");
                try {
                    out.println("signalbox " + ElectionBench.summary(ElectionBench.signalbox(nodes, kills, dir)));
                } finally {
                    StorageBenchmark.deleteRecursively(dir);
                }
            }
            return 0;
        }
    }

    /** {@code signalbox bench scale}: SNAP catch-up of a large configuration, and restart with a long log. */
    @Command(name = "scale", mixinStandardHelpOptions = true,
            description = "Times a wiped follower catching up by SNAP on SERVICES x SERVERS servers, and a follower restarting "
                    + "with ENTRIES entries in its log, on 3 real server processes.")
    static final class Scale implements Callable<Integer> {
        @Option(names = "--services", defaultValue = "10000", description = "(default: ${DEFAULT-VALUE})")
        int services;

        @Option(names = "--servers-per-service", defaultValue = "10", description = "(default: ${DEFAULT-VALUE})")
        int serversPerService;

        @Option(names = "--log-entries", defaultValue = "1000000", description = "(default: ${DEFAULT-VALUE})")
        int entries;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (services < 1 || services > 10_000 || serversPerService < 1 || serversPerService > 99 || entries < 1 || entries > 5_000_000) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--services 1..10000, --servers-per-service 1..99, --log-entries 1..5000000");
            }
            out.println("scale: " + Machine.describe());
            out.flush();
            Path snap = Files.createTempDirectory("signalbox-scale-snap-");
            try {
                ScaleBench.snapCatchUp(out, snap, services, serversPerService);
            } finally {
                StorageBenchmark.deleteRecursively(snap);
            }
            Path restart = Files.createTempDirectory("signalbox-scale-restart-");
            try {
                ScaleBench.restartWithLongLog(out, restart, entries);
            } finally {
                StorageBenchmark.deleteRecursively(restart);
            }
            return 0;
        }
    }

    /** {@code signalbox bench jmh [JMH options]}: the JMH micro-benchmarks of the hot paths (not run in CI). */
    @Command(name = "jmh", description = "Runs the JMH micro-benchmarks in io.signalbox.bench.jmh (peer frame codec, log "
            + "append batching, event apply, command prepare, commit bookkeeping); any arguments go to JMH, e.g. a regex or -h.")
    static final class Jmh implements Callable<Integer> {
        @CommandLine.Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            org.openjdk.jmh.Main.main(args.toArray(String[]::new));
            return 0;
        }
    }
}
