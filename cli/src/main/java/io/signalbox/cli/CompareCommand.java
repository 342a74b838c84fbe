package io.signalbox.cli;

import io.signalbox.bench.LoadRun;
import io.signalbox.bench.StorageBenchmark;
import io.signalbox.bench.ZooKeeperEnsemble;
import io.signalbox.bench.ZooKeeperWorkload;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code signalbox bench compare}: Apache ZooKeeper 3.9 and Signalbox, one after the other on
 * this machine, same node count, heap, durability (fsync on), value size, outstanding
 * requests and client spread; durable writes and local reads; a table with the ratio
 * Signalbox / ZooKeeper per row, and a JSON file under {@code bench/results/}.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Runs a ZooKeeper 3.9 ensemble and a Signalbox cluster one after the other on 127.0.0.1 with the same "
                + "workload (durable writes of --value-bytes, local reads) and prints both with the ratio Signalbox/ZooKeeper.")
public final class CompareCommand implements Callable<Integer> {
    @CommandLine.Mixin
    LoadOptions load = new LoadOptions();

    @Option(names = "--systems", defaultValue = "zookeeper,signalbox", split = ",",
            description = "which to run; one only for profiling (default: ${DEFAULT-VALUE})")
    List<String> systems = new ArrayList<>();

    @Option(names = "--results", defaultValue = "bench/results", description = "directory for the JSON results (default: ${DEFAULT-VALUE})")
    Path resultsDir;

    @Option(names = "--json", description = "print the results as JSON instead of a table")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        load.validate(spec.commandLine());
        if (!List.of("zookeeper", "signalbox").containsAll(systems) || systems.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--systems: zookeeper and/or signalbox, got " + systems);
        }
        String machine = Machine.describe();
        if (!json) {
            out.println("compare: nodes=" + load.nodes + " value_bytes=" + load.valueBytes + " duration_s=" + load.seconds
                    + " warmup_s=" + load.warmupSeconds + " heap=" + load.heap + " " + machine);
            out.printf("%-10s %-6s %11s %12s %9s %9s %9s %7s %13s%n", "system", "op", "outstanding", "ops/s", "p50_ms", "p99_ms",
                    "p999_ms", "errors", "server_cpu_s");
            out.flush();
        }
        List<LoadRun.Row> rows = new ArrayList<>();
        if (systems.contains("zookeeper")) {
            rows.addAll(runZooKeeper(out));
        }
        if (systems.contains("signalbox")) {
            rows.addAll(runSignalbox(out));
        }
        String document = Results.json(machine, load, rows);
        if (json) {
            out.println(document);
        } else {
            out.print(Results.ratios(rows));
        }
        Path file = BenchResults.write(resultsDir, "compare", document);
        if (!json) {
            out.println("results written to " + file);
        }
        out.flush();
        return 0;
    }

    private List<LoadRun.Row> runZooKeeper(PrintWriter out) throws Exception {
        Path dir = Files.createTempDirectory("signalbox-compare-zk-");
        List<String> java = Launch.java(load.heap);
        List<LoadRun.Row> rows = new ArrayList<>();
        try (ZooKeeperEnsemble ensemble = new ZooKeeperEnsemble(load.nodes, 18_000, dir, java);
             Cleanup hook = new Cleanup(ensemble)) {
            ensemble.awaitQuorum(60_000);
            try (ZooKeeperWorkload zk = new ZooKeeperWorkload(ensemble, load.nodes, load.valueBytes)) {
                zk.prepare();
                for (String op : List.of("write", "read")) {
                    for (int count : load.outstanding) {
                        double before = LoadRun.cpuSeconds(ensemble.processes());
                        LoadRun.Row row = LoadRun.run("zookeeper", op, count, load.warmupSeconds, load.seconds,
                                op.equals("write") ? zk::write : zk::read);
                        row = row.withCpu(LoadRun.cpuSeconds(ensemble.processes()) - before);
                        rows.add(row);
                        print(out, row);
                    }
                }
            }
        } finally {
            StorageBenchmark.deleteRecursively(dir);
        }
        return rows;
    }

    private List<LoadRun.Row> runSignalbox(PrintWriter out) throws Exception {
        Path dir = Files.createTempDirectory("signalbox-compare-sb-");
        List<LoadRun.Row> rows = new ArrayList<>();
        try (ClusterBench bench = new ClusterBench(load.nodes, 18_500, dir, load.valueBytes, load.heap, false);
             Cleanup hook = new Cleanup(bench)) {
            bench.prepare();
            for (String op : List.of("write", "read")) {
                for (int count : load.outstanding) {
                    LoadRun.Row row = bench.run(op.equals("write") ? "write" : "read-local", count, load.warmupSeconds, load.seconds);
                    row = new LoadRun.Row("signalbox", op, count, row.opsPerSecond(), row.p50Ms(), row.p99Ms(), row.p999Ms(),
                            row.errors(), row.serverCpuSeconds());
                    rows.add(row);
                    print(out, row);
                }
            }
        } finally {
            StorageBenchmark.deleteRecursively(dir);
        }
        return rows;
    }

    private void print(PrintWriter out, LoadRun.Row row) {
        if (!json) {
            out.printf("%-10s %-6s %11d %12.0f %9.2f %9.2f %9.2f %7d %13.1f%n", row.system(), row.workload(), row.outstanding(),
                    row.opsPerSecond(), row.p50Ms(), row.p99Ms(), row.p999Ms(), row.errors(), row.serverCpuSeconds());
            out.flush();
        }
    }

    /** Stops the started processes on Ctrl-C too; on a normal end it is removed and the owner closes them. */
    private static final class Cleanup implements AutoCloseable {
        private final Thread hook;

        Cleanup(AutoCloseable owner) {
            this.hook = new Thread(() -> {
                try {
                    owner.close();
                } catch (Exception e) {
                    // stopping anyway
                }
            }, "signalbox-compare-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override
        public void close() {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already stopping: the hook runs
            }
        }
    }

    /** The results as one JSON document, and the ratio table. */
    static final class Results {
        private Results() {}

        static String json(String machine, LoadOptions load, List<LoadRun.Row> rows) {
            StringBuilder out = new StringBuilder("{\"machine\":").append(io.signalbox.server.Json.quote(machine)).append(",\"nodes\":").append(load.nodes)
                    .append(",\"valueBytes\":").append(load.valueBytes).append(",\"durationSeconds\":").append(load.seconds)
                    .append(",\"warmupSeconds\":").append(load.warmupSeconds).append(",\"heap\":").append(io.signalbox.server.Json.quote(load.heap))
                    .append(",\"rows\":[");
            for (int i = 0; i < rows.size(); i++) {
                LoadRun.Row r = rows.get(i);
                out.append(i == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT,
                        "{\"system\":\"%s\",\"op\":\"%s\",\"outstanding\":%d,\"opsPerSecond\":%.1f,\"p50Ms\":%.3f,\"p99Ms\":%.3f,"
                                + "\"p999Ms\":%.3f,\"errors\":%d,\"serverCpuSeconds\":%.2f}", r.system(), r.workload(), r.outstanding(),
                        r.opsPerSecond(), nanToZero(r.p50Ms()), nanToZero(r.p99Ms()), nanToZero(r.p999Ms()), r.errors(), r.serverCpuSeconds()));
            }
            return out.append("]}").toString();
        }

        static String ratios(List<LoadRun.Row> rows) {
            StringBuilder out = new StringBuilder();
            for (LoadRun.Row sb : rows) {
                if (!sb.system().equals("signalbox")) {
                    continue;
                }
                for (LoadRun.Row zk : rows) {
                    if (zk.system().equals("zookeeper") && zk.workload().equals(sb.workload()) && zk.outstanding() == sb.outstanding()) {
                        if (out.length() == 0) {
                            out.append(String.format("%-6s %11s %16s %16s%n", "op", "outstanding", "ops_ratio_sb/zk", "p99_ratio_sb/zk"));
                        }
                        out.append(String.format("%-6s %11d %16.2f %16.2f%n", sb.workload(), sb.outstanding(),
                                sb.opsPerSecond() / zk.opsPerSecond(), sb.p99Ms() / zk.p99Ms()));
                    }
                }
            }
            return out.toString();
        }

        private static double nanToZero(double v) {
            return Double.isNaN(v) ? 0 : v;
        }
    }
}
