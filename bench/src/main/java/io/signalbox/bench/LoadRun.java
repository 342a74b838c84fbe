package io.signalbox.bench;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A closed-loop load: {@code outstanding} requests always in flight for a fixed time, the
 * same for every system measured. Only requests issued inside the measured window and
 * completed without error are counted; latencies are kept per request (at most
 * {@link #SAMPLES_MAX}) and reported as percentiles.
 */
public final class LoadRun {
    public static final int SAMPLES_MAX = 5_000_000;

    /** One measured row. */
    public record Row(String system, String workload, int outstanding, double opsPerSecond, double p50Ms, double p99Ms,
                      double p999Ms, long errors, double serverCpuSeconds) {
        public Row withCpu(double seconds) {
            return new Row(system, workload, outstanding, opsPerSecond, p50Ms, p99Ms, p999Ms, errors, seconds);
        }
    }

    private LoadRun() {}

    /** Warms up for {@code warmupSeconds}, then measures for {@code seconds}. */
    public static Row run(String system, String workload, int outstanding, double warmupSeconds, double seconds,
                          IntFunction<? extends CompletableFuture<?>> operation) throws InterruptedException {
        drive(operation, outstanding, (long) (warmupSeconds * 1e9), null, new AtomicLong(), new AtomicLong());
        long[] samples = new long[SAMPLES_MAX];
        AtomicLong recorded = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long started = System.nanoTime();
        long completed = drive(operation, outstanding, (long) (seconds * 1e9), samples, recorded, errors);
        double elapsed = (System.nanoTime() - started) / 1e9;
        long[] sorted = Arrays.copyOf(samples, (int) Math.min(recorded.get(), SAMPLES_MAX));
        Arrays.sort(sorted);
        return new Row(system, workload, outstanding, completed / elapsed, percentile(sorted, 0.50), percentile(sorted, 0.99),
                percentile(sorted, 0.999), errors.get(), Double.NaN);
    }

    private static long drive(IntFunction<? extends CompletableFuture<?>> operation, int outstanding, long nanos, long[] samples,
                              AtomicLong recorded, AtomicLong errors) throws InterruptedException {
        Semaphore slots = new Semaphore(outstanding);
        AtomicLong ok = new AtomicLong();
        long end = System.nanoTime() + nanos;
        int i = 0;
        while (System.nanoTime() < end) {
            if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            long start = System.nanoTime();
            CompletableFuture<?> done;
            try {
                done = operation.apply(i++);
            } catch (RuntimeException e) {
                errors.incrementAndGet();
                slots.release();
                continue;
            }
            done.whenComplete((response, failure) -> {
                long latency = System.nanoTime() - start;
                if (failure == null) {
                    ok.incrementAndGet();
                    if (samples != null) {
                        long index = recorded.getAndIncrement();
                        if (index < samples.length) {
                            samples[(int) index] = latency;
                        }
                    }
                } else {
                    errors.incrementAndGet();
                }
                slots.release();
            });
        }
        if (!slots.tryAcquire(outstanding, 60, TimeUnit.SECONDS)) { // let the tail finish before the next row
            throw new IllegalStateException("requests still outstanding 60 s after the window closed");
        }
        return ok.get();
    }

    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    /** CPU seconds (user + system) used so far by these processes, from /proc; -1 where unknown. */
    public static double cpuSeconds(Iterable<Process> processes) {
        double total = 0;
        for (Process p : processes) {
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", String.valueOf(p.pid()), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                total += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
            } catch (java.io.IOException | RuntimeException e) {
                return -1;
            }
        }
        return total;
    }
}
