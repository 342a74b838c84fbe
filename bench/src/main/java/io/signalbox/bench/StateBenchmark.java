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

    private final int services;
    private final int serversPerService;
    private final int weightEvents;

    public StateBenchmark(int services, int serversPerService, int weightEvents) {
        if (services < 1 || services > 60_000 || serversPerService < 1 || serversPerService > 1_000) {
            throw new IllegalArgumentException("services must be in 1..60000 and servers per service in 1..1000, got "
                    + services + " and " + serversPerService);
        }
        if (weightEvents < 1 || weightEvents > 100_000_000) {
            throw new IllegalArgumentException("events must be in 1..100000000, got " + weightEvents);
        }
        this.services = services;
        this.serversPerService = serversPerService;
        this.weightEvents = weightEvents;
    }

    public Result run(PrintWriter progress) {
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
