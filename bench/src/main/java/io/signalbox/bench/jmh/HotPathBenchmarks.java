package io.signalbox.bench.jmh;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.ProposeResult;
import io.signalbox.consensus.RecoveredState;
import io.signalbox.consensus.Role;
import io.signalbox.consensus.Txn;
import io.signalbox.consensus.ZabConfig;
import io.signalbox.consensus.ZabCore;
import io.signalbox.consensus.message.ZabMessage;
import io.signalbox.server.codec.PeerMessageCodec;
import io.signalbox.state.Command;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.Limits;
import io.signalbox.state.StateEvent;
import io.signalbox.state.codec.EntryCodec;
import io.signalbox.state.codec.StateCodec;
import io.signalbox.storage.LogEntry;
import io.signalbox.storage.LogEntryCodec;
import io.signalbox.storage.TxnLog;
import io.signalbox.storage.rocksdb.RocksDbStorage;
import io.signalbox.testkit.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Micro-benchmarks of the write path's hot spots: the peer frame codec, log-entry encoding
 * and an unsynced RocksDB batch append, applying events to a 10,000-server configuration,
 * and the leader's commit bookkeeping (propose, durable, a follower's ack, commit).
 * Run with {@code ./signalbox bench jmh [regex]}; not part of CI.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPathBenchmarks {
    private static final byte[] PAYLOAD_150 = new byte[150];

    /** A PROPOSAL of one 150-byte txn, encoded and decoded as a frame. */
    @Benchmark
    public Object peerFrameCodec() {
        ZabMessage proposal = new ZabMessage.Proposal(7, Zxid.of(7, 41), List.of(new Txn(Zxid.of(7, 42), PAYLOAD_150)));
        return PeerMessageCodec.decode(PeerMessageCodec.encode(1, proposal));
    }

    /** A log entry's on-disk record with its crc32c. */
    @Benchmark
    public byte[] logEntryEncode() {
        return LogEntryCodec.encode(new LogEntry(Zxid.of(7, 42), 7, PAYLOAD_150));
    }

    /** Unsynced appends in batches, as group commit hands them to RocksDB between fsyncs. */
    @State(Scope.Thread)
    public static class Log {
        @Param({"1", "64"})
        public int batch;
        Path directory;
        RocksDbStorage storage;
        TxnLog log;
        long zxid;

        @Setup(Level.Trial)
        public void open() throws IOException {
            directory = Files.createTempDirectory("signalbox-jmh-log-");
            storage = RocksDbStorage.open(directory);
            log = storage.txnLog();
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            storage.close();
            Processes.deleteRecursively(directory);
        }
    }

    @Benchmark
    public long logAppendBatch(Log state) {
        List<LogEntry> entries = new ArrayList<>(state.batch);
        for (int i = 0; i < state.batch; i++) {
            state.zxid++;
            entries.add(new LogEntry(Zxid.of(1, state.zxid), 1, PAYLOAD_150));
        }
        state.log.append(entries);
        return state.zxid;
    }

    /** A configuration of 1,000 services x 10 servers, and a weight change to apply. */
    @State(Scope.Thread)
    public static class Config {
        LbStateMachine machine;
        byte[][] weightEntries;
        /** Servers registered again with two 50-character labels, stamped with a client: what {@code bench cluster} writes. */
        byte[][] registrationEntries;
        long zxid;
        int next;

        @Setup(Level.Trial)
        public void build() {
            machine = new LbStateMachine(Limits.DEFAULTS, 10_000);
            for (int s = 0; s < 1_000; s++) {
                apply(new Command.PutService("svc-" + s, "http", 10_000 + s, "roundrobin", null, 1000, 1000, 1000, null));
                for (int i = 0; i < 10; i++) {
                    apply(new Command.RegisterServer("svc-" + s, "srv-" + i, "10." + (s / 250) + "." + (s % 250) + "." + (i + 1), 80, 1,
                            "ready", false, Map.of(), 0, null));
                }
            }
            registrationEntries = new byte[1_024][];
            for (int i = 0; i < registrationEntries.length; i++) {
                int service = i % 1_000;
                Map<String, String> labels = Map.of("v0", "x".repeat(50), "v1", "y".repeat(50));
                byte[] events = StateCodec.encodeEvents(machine.prepare(new Command.RegisterServer("svc-" + service, "srv-" + (i % 10),
                        "10." + (service / 250) + "." + (service % 250) + "." + (1 + i % 10), 80, 1 + i % 200, "ready", false, labels, 0, null)));
                registrationEntries[i] = EntryCodec.stamp(events, "bench-client-1", i, "");
            }
            weightEntries = new byte[1_024][];
            for (int i = 0; i < weightEntries.length; i++) {
                weightEntries[i] = StateCodec.encodeEvents(machine.prepare(new Command.SetWeight("svc-" + (i % 1_000), "srv-" + (i % 10),
                        1 + i % 200, null)));
            }
        }

        private void apply(Command command) {
            List<StateEvent> events = machine.prepare(command);
            machine.apply(++zxid, events);
        }
    }

    /** Decoding and applying one committed entry (a weight change), as every replica does. */
    @Benchmark
    public long eventApply(Config state) {
        state.machine.applyEntry(++state.zxid, state.weightEntries[state.next++ & 1_023]);
        return state.machine.appliedZxid();
    }

    /** Decoding and applying one committed registration, as every replica does for each write of {@code bench cluster}. */
    @Benchmark
    public long registrationApply(Config state) {
        long zxid = ++state.zxid;
        EntryCodec.StampedEvents entry = EntryCodec.decodeEntry(zxid, state.registrationEntries[state.next++ & 1_023]);
        state.machine.apply(zxid, entry.events(), entry.identity());
        return state.machine.appliedZxid();
    }

    /** Validating a command against the configuration, as the leader does before proposing. */
    @Benchmark
    public Object commandPrepare(Config state) {
        return state.machine.prepareEntry(new Command.SetWeight("svc-" + (state.next++ % 1_000), "srv-3", 7, null), state.machine.view());
    }

    /** Three cores wired by hand with an established leader. */
    @State(Scope.Thread)
    public static class Cluster {
        final ZabCore[] cores = new ZabCore[4];
        int leader;
        int follower;
        long epoch;

        @Setup(Level.Trial)
        public void elect() {
            for (int id = 1; id <= 3; id++) {
                SplittableRandom random = new SplittableRandom(id);
                cores[id] = ZabCore.create(ZabConfig.defaults(id, List.of(1, 2, 3)), RecoveredState.EMPTY, random::nextLong);
            }
            ArrayDeque<Object[]> wire = new ArrayDeque<>();
            for (int round = 0; round < 5_000 && leader == 0; round++) {
                for (int id = 1; id <= 3; id++) {
                    cores[id].tick();
                    collect(id, wire);
                }
                while (!wire.isEmpty()) {
                    Object[] m = wire.poll();
                    int to = (Integer) m[1];
                    cores[to].receive((Integer) m[0], (ZabMessage) m[2]);
                    collect(to, wire);
                }
                for (int id = 1; id <= 3; id++) {
                    if (cores[id].role() == Role.LEADING && cores[id].established()) {
                        leader = id;
                    }
                }
            }
            if (leader == 0) {
                throw new IllegalStateException("no leader in 5,000 rounds");
            }
            follower = leader == 1 ? 2 : 1;
            epoch = cores[leader].view().currentEpoch();
        }

        private void collect(int id, ArrayDeque<Object[]> wire) {
            List<Effect> effects;
            while (!(effects = cores[id].takeEffects()).isEmpty()) {
                for (Effect e : effects) {
                    if (e instanceof Effect.Send send) {
                        wire.add(new Object[] {id, send.to(), send.message()});
                    } else if (e instanceof Effect.DurableWrite write) {
                        cores[id].written(write.writeId());
                    }
                }
            }
        }
    }

    /** The leader's share of one write: propose, its own durable report, a follower's ack, the commit and its effects. */
    @Benchmark
    public int commitBookkeeping(Cluster state) {
        ZabCore leader = state.cores[state.leader];
        long zxid = ((ProposeResult.Accepted) leader.propose(PAYLOAD_150)).zxid();
        int effects = 0;
        for (Effect effect : leader.takeEffects()) {
            effects++;
            if (effect instanceof Effect.DurableWrite write) {
                leader.written(write.writeId());
            }
        }
        leader.receive(state.follower, new ZabMessage.Ack(state.epoch, zxid));
        effects += leader.takeEffects().size();
        if ((Zxid.counter(zxid) & 4_095) == 0) {
            leader.snapshotTaken(new io.signalbox.consensus.Snapshot(zxid, new byte[0])); // keeps the history bounded
        }
        return effects;
    }

    static {
        Arrays.fill(PAYLOAD_150, (byte) 'p');
    }
}
