package io.signalbox.bench;

import io.signalbox.state.Command;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.Limits;
import io.signalbox.state.ServerKey;
import io.signalbox.state.StateEvent;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * The state machine at scale: build a configuration of {@code services x serversPerService}
 * through prepared commands, then measure event application, snapshot and restore.
 */
public final class StateBenchmark {
    /** What one run measured. */
    public record Result(int servers, long buildMs, double eventsAppliedPerSecond, int snapshotBytes, long snapshotMs,
                         long restoreMs, long heapBytes, boolean digestsMatch) {}

    /** What {@code bench state} builds and applies: {@code services x serversPerService} servers, then {@code events} weight changes. */
    public record Settings(int services, int serversPerService, int events) {
        public Settings {
            if (services < 1 || services > 60_000 || serversPerService < 1 || serversPerService > 1_000) {
                throw new IllegalArgumentException("services must be in 1..60000 and servers per service in 1..1000, got "
                        + services + " and " + serversPerService);
            }
            SettingChecks.inRange("events", events, 1, 100_000_000);
        }
    }

    private final int services;
    private final int serversPerService;
    private final int weightEvents;

    private StateBenchmark(Settings settings) {
        this.services = settings.services();
        this.serversPerService = settings.serversPerService();
        this.weightEvents = settings.events();
    }

    /** {@code bench state}: prints what it runs on, the build time, then one line of figures; digestsMatch says the restore was exact. */
    public static Result run(PrintWriter out, Settings settings) {
        out.printf("state benchmark: services=%d servers_per_service=%d events=%d cores=%d max_heap_mb=%d jvm=%s%n", settings.services(),
                settings.serversPerService(), settings.events(), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.vm.version"));
        Result result = new StateBenchmark(settings).measure(out);
        out.printf("servers=%d build_ms=%d events_applied_per_s=%.0f snapshot_bytes=%d snapshot_ms=%d restore_ms=%d "
                + "heap_mb=%.1f digests_match=%s%n", result.servers(), result.buildMs(), result.eventsAppliedPerSecond(),
                result.snapshotBytes(), result.snapshotMs(), result.restoreMs(), result.heapBytes() / 1048576.0, result.digestsMatch());
        out.flush();
        return result;
    }

    private Result measure(PrintWriter progress) {
        Limits limits = new Limits(Math.max(services, 10_000), Math.max(serversPerService, 1_000), 100_000, 16, 100,
                Limits.DEFAULTS.commandBytesMax(), 128, 3_600_000, 1_000, 600_000);
        long started = System.nanoTime();
        LbStateMachine machine = new LbStateMachine(limits, 1_000);
        long zxid = 1L << 32;
        for (int s = 0; s < services; s++) {
            String service = "svc" + s;
            machine.apply(++zxid, machine.prepare(new Command.PutService(service, "http", 10_000 + s, "roundrobin", null,
                    5_000, 30_000, 30_000, null)));
            for (int i = 0; i < serversPerService; i++) {
                String address = "10." + (s >> 8 & 0xff) + "." + (s & 0xff) + "." + (i + 1);
                machine.apply(++zxid, machine.prepare(new Command.RegisterServer(service, "s" + i, address, 8080, 10, "ready",
                        false, Map.of("zone", "z" + (i % 3)), 0, null)));
            }
        }
        long buildMs = (System.nanoTime() - started) / 1_000_000;
        progress.printf("built %d services x %d servers in %d ms%n", services, serversPerService, buildMs);
        progress.flush();

        long applyStarted = System.nanoTime();
        for (int e = 0; e < weightEvents; e++) {
            ServerKey key = new ServerKey("svc" + (e % services), "s" + (e / services % serversPerService));
            machine.apply(++zxid, List.of(new StateEvent.ServerWeightSet(key, e % 257)));
        }
        double applied = weightEvents / ((System.nanoTime() - applyStarted) / 1e9);

        long snapshotStarted = System.nanoTime();
        byte[] snapshot = machine.snapshot();
        long snapshotMs = (System.nanoTime() - snapshotStarted) / 1_000_000;
        int servers = machine.serverCount();
        long digest = machine.digest();
        machine = null; // from here on only the restored copy (no history backlog) is alive
        long heapWithoutConfiguration = usedHeap();
        long restoreStarted = System.nanoTime();
        LbStateMachine restored = LbStateMachine.restore(snapshot, limits, 1_000);
        long restoreMs = (System.nanoTime() - restoreStarted) / 1_000_000;
        long heapBytes = usedHeap() - heapWithoutConfiguration;
        return new Result(servers, buildMs, applied, snapshot.length, snapshotMs, restoreMs, heapBytes,
                restored.digest() == digest);
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
