package io.signalbox.bench;

import io.signalbox.common.Json;
import io.signalbox.testkit.Launch;
import io.signalbox.testkit.Processes;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench compare}: Apache ZooKeeper 3.9 and Signalbox, one after the other on this
 * machine, same node count, heap, durability (fsync on), value size, outstanding requests and
 * client spread; durable writes and local reads; a table with the ratio Signalbox / ZooKeeper
 * per row, and a JSON file under the results directory. With TLS, each system runs twice,
 * plaintext then TLS on every link with client certificates ({@link BenchCertificates}), and
 * the table adds each system's cost of TLS (TLS / plaintext) per row. ZooKeeper needs its Netty
 * transport for TLS, so with TLS its plaintext run uses Netty too: the two differ in TLS only.
 */
public final class CompareBench {
    public static final int ZOOKEEPER_BASE_PORT = 18_000;
    public static final int SIGNALBOX_BASE_PORT = 18_500;
    static final String TLS_SUFFIX = "-tls";

    /**
     * What to compare, and where.
     *
     * @param systems zookeeper and/or signalbox (one only for profiling); ZooKeeper runs first
     * @param resultsDir where the JSON document is written
     * @param json print the JSON document instead of the table
     * @param zooKeeperBasePort ZooKeeper server i listens on base+i, base+100+i and base+200+i
     * @param signalboxBasePort the same for the Signalbox nodes
     * @param tls run each system a second time with TLS (ZooKeeper's secure client port also takes base+300+i)
     */
    public record Settings(LoadSettings load, List<String> systems, Path resultsDir, boolean json, int zooKeeperBasePort,
                           int signalboxBasePort, boolean tls) {
        public Settings {
            systems = SettingChecks.systems(systems);
            SettingChecks.basePort("ZooKeeper's base port", zooKeeperBasePort);
            SettingChecks.basePort("Signalbox's base port", signalboxBasePort);
        }

        /** Today's ports: ZooKeeper from 18,000, Signalbox from 18,500. */
        public Settings(LoadSettings load, List<String> systems, Path resultsDir, boolean json, boolean tls) {
            this(load, systems, resultsDir, json, ZOOKEEPER_BASE_PORT, SIGNALBOX_BASE_PORT, tls);
        }
    }

    private final Settings settings;
    private final LoadSettings load;
    private final PrintWriter out;

    private CompareBench(PrintWriter out, Settings settings) {
        this.out = out;
        this.settings = settings;
        this.load = settings.load();
    }

    /** Runs the systems, prints a row per op and number outstanding and the ratios (or the JSON); returns the file written. */
    public static Path run(PrintWriter out, Settings settings) throws Exception {
        return new CompareBench(out, settings).run();
    }

    private Path run() throws Exception {
        String machine = Machine.describe();
        if (!settings.json()) {
            out.println("compare: nodes=" + load.nodes() + " tls=" + settings.tls() + " value_bytes=" + load.valueBytes()
                    + " duration_s=" + load.seconds()
                    + " warmup_s=" + load.warmupSeconds() + " heap=" + load.heap() + " " + machine);
            out.printf("%-13s %-6s %11s %12s %9s %9s %9s %7s %13s%n", "system", "op", "outstanding", "ops/s", "p50_ms", "p99_ms",
                    "p999_ms", "errors", "server_cpu_s");
            out.flush();
        }
        List<LoadRun.Row> rows = new ArrayList<>();
        for (boolean tls : settings.tls() ? List.of(false, true) : List.of(false)) {
            if (settings.systems().contains("zookeeper")) {
                rows.addAll(runZooKeeper(tls));
            }
            if (settings.systems().contains("signalbox")) {
                rows.addAll(runSignalbox(tls));
            }
        }
        String document = json(machine, load, settings.tls(), rows);
        if (settings.json()) {
            out.println(document);
        } else {
            out.print(ratios(rows));
        }
        Path file = BenchResults.write(settings.resultsDir(), "compare", document);
        if (!settings.json()) {
            out.println(BenchResults.written(file));
        }
        out.flush();
        return file;
    }

    private List<LoadRun.Row> runZooKeeper(boolean tls) throws Exception {
        Path dir = Files.createTempDirectory("signalbox-compare-zk-");
        List<LoadRun.Row> rows = new ArrayList<>();
        String system = "zookeeper" + (tls ? TLS_SUFFIX : "");
        BenchCertificates certificates = tls ? new BenchCertificates(dir.resolve("certs"), load.nodes()) : null;
        try (ZooKeeperEnsemble ensemble = new ZooKeeperEnsemble(load.nodes(), settings.zooKeeperBasePort(), dir, Launch.java(load.heap()),
                certificates, settings.tls());
             Cleanup hook = new Cleanup(ensemble)) {
            ensemble.awaitQuorum(60_000);
            try (ZooKeeperWorkload zk = new ZooKeeperWorkload(ensemble, load.nodes(), load.valueBytes())) {
                zk.prepare();
                for (String op : List.of("write", "read")) {
                    for (int count : load.outstanding()) {
                        double before = LoadRun.cpuSeconds(ensemble.processes());
                        LoadRun.Row row = LoadRun.run(system, op, count, load.warmupSeconds(), load.seconds(),
                                op.equals("write") ? zk::write : zk::read);
                        row = row.withCpu(LoadRun.cpuSeconds(ensemble.processes()) - before);
                        rows.add(row);
                        print(row);
                    }
                }
            }
        } finally {
            Processes.deleteRecursively(dir);
        }
        return rows;
    }

    private List<LoadRun.Row> runSignalbox(boolean tls) throws Exception {
        Path dir = Files.createTempDirectory("signalbox-compare-sb-");
        List<LoadRun.Row> rows = new ArrayList<>();
        String system = "signalbox" + (tls ? TLS_SUFFIX : "");
        BenchCertificates certificates = tls ? new BenchCertificates(dir.resolve("certs"), load.nodes()) : null;
        try (ClusterBench bench = new ClusterBench(load.nodes(), settings.signalboxBasePort(), dir, load.valueBytes(), load.heap(), false,
                certificates);
             Cleanup hook = new Cleanup(bench)) {
            bench.prepare();
            for (String op : List.of("write", "read")) {
                for (int count : load.outstanding()) {
                    LoadRun.Row row = bench.measure(op.equals("write") ? "write" : "read-local", count, load.warmupSeconds(), load.seconds());
                    row = new LoadRun.Row(system, op, count, row.opsPerSecond(), row.p50Ms(), row.p99Ms(), row.p999Ms(),
                            row.errors(), row.serverCpuSeconds());
                    rows.add(row);
                    print(row);
                }
            }
        } finally {
            Processes.deleteRecursively(dir);
        }
        return rows;
    }

    private void print(LoadRun.Row row) {
        if (!settings.json()) {
            out.printf("%-13s %-6s %11d %12.0f %9.2f %9.2f %9.2f %7d %13.1f%n", row.system(), row.workload(), row.outstanding(),
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

    /** The results as one JSON document. */
    static String json(String machine, LoadSettings load, boolean tls, List<LoadRun.Row> rows) {
        StringBuilder out = new StringBuilder("{\"machine\":").append(Json.quote(machine)).append(",\"nodes\":").append(load.nodes())
                .append(",\"tls\":").append(tls)
                .append(",\"valueBytes\":").append(load.valueBytes()).append(",\"durationSeconds\":").append(load.seconds())
                .append(",\"warmupSeconds\":").append(load.warmupSeconds()).append(",\"heap\":").append(Json.quote(load.heap()))
                .append(",\"rows\":[");
        for (int i = 0; i < rows.size(); i++) {
            LoadRun.Row r = rows.get(i);
            out.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"system\":\"%s\",\"op\":\"%s\",\"outstanding\":%d,\"opsPerSecond\":%.1f,\"p50Ms\":%.3f,\"p99Ms\":%.3f,"
                            + "\"p999Ms\":%.3f,\"errors\":%d,\"serverCpuSeconds\":%.2f}", r.system(), r.workload(), r.outstanding(),
                    r.opsPerSecond(), nanToZero(r.p50Ms()), nanToZero(r.p99Ms()), nanToZero(r.p999Ms()), r.errors(), r.serverCpuSeconds()));
        }
        return out.append("]}").toString();
    }

    /**
     * Signalbox over ZooKeeper, ops/s and p99, for each row both systems ran (plaintext, and TLS
     * when it ran), then each system's TLS over its plaintext; empty when there is nothing to pair.
     */
    static String ratios(List<LoadRun.Row> rows) {
        StringBuilder out = new StringBuilder();
        pairs(out, rows, "signalbox", "zookeeper", "sb/zk");
        pairs(out, rows, "signalbox" + TLS_SUFFIX, "zookeeper" + TLS_SUFFIX, "sb/zk");
        pairs(out, rows, "zookeeper" + TLS_SUFFIX, "zookeeper", "tls/plain");
        pairs(out, rows, "signalbox" + TLS_SUFFIX, "signalbox", "tls/plain");
        return out.toString();
    }

    /** A header naming the pair, then a line per row both {@code over} and {@code under} ran. */
    private static void pairs(StringBuilder out, List<LoadRun.Row> rows, String over, String under, String label) {
        boolean headed = false;
        for (LoadRun.Row top : rows) {
            if (!top.system().equals(over)) {
                continue;
            }
            for (LoadRun.Row bottom : rows) {
                if (bottom.system().equals(under) && bottom.workload().equals(top.workload()) && bottom.outstanding() == top.outstanding()) {
                    if (!headed) {
                        out.append(String.format("%-30s %-6s %11s %14s %14s%n", over + " / " + under, "op", "outstanding",
                                "ops_" + label, "p99_" + label));
                        headed = true;
                    }
                    out.append(String.format("%-30s %-6s %11d %14.2f %14.2f%n", "", top.workload(), top.outstanding(),
                            top.opsPerSecond() / bottom.opsPerSecond(), top.p99Ms() / bottom.p99Ms()));
                }
            }
        }
    }

    private static double nanToZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
