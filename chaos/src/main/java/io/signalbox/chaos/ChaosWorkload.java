package io.signalbox.chaos;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.simulation.history.Op;
import io.signalbox.state.Command;
import io.signalbox.state.Configuration;
import io.signalbox.state.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-key registers: each key is a server of the service {@code chaos}, its value the server's
 * port, unique per key (each write takes the key's next port), so a value names the write
 * that produced it and a version (zxid) names a value. Clients write (register, an upsert),
 * read (LINEARIZABLE or LOCAL), and compare-and-set (register with {@code expectVersion} set
 * to the version they last read). Every operation is recorded with its invoke and complete
 * times; a command whose outcome is unknown (timeout, no leader) is recorded INFO.
 */
final class ChaosWorkload {
    static final String SERVICE = "chaos";
    static final int PORT_MAX = 65_535;
    /** Every key's value before the history starts. */
    static final int INITIAL_VALUE = 1;

    private final int keys;
    private final AtomicInteger[] nextValue;
    private final ChaosHistory history;

    ChaosWorkload(int keys, ChaosHistory history) {
        this.keys = keys;
        this.history = history;
        this.nextValue = new AtomicInteger[keys];
        for (int k = 0; k < keys; k++) {
            nextValue[k] = new AtomicInteger(2);
        }
    }

    int keys() {
        return keys;
    }

    /** A LINEARIZABLE read of key {@code k} through {@code client}, recorded as {@code process}; for {@link StaleReadProbe}. */
    void probeRead(SignalboxClient client, int process, int k) {
        read(client, process, k, Consistency.LINEARIZABLE, new long[keys], new long[keys]);
    }

    /** A write of key {@code k}'s next value through {@code client}, recorded as {@code process}; whether it was acknowledged. */
    boolean probeWrite(SignalboxClient client, int process, int k) {
        return write(client, process, k, null, 0);
    }

    static String key(int k) {
        return "k" + k;
    }

    /** Creates the service and every key with value 1, before the history starts. */
    void setUp(SignalboxClient client) {
        List<Command> commands = new ArrayList<>();
        commands.add(new Command.PutService(SERVICE, "tcp", 9000, "roundrobin", null, 1000, 1000, 1000, null));
        for (int k = 0; k < keys; k++) {
            commands.add(register(k, INITIAL_VALUE, null));
        }
        client.submit(new Command.Multi(commands));
    }

    private static Command.RegisterServer register(int k, int port, Long expectVersion) {
        return new Command.RegisterServer(SERVICE, key(k), "10.0.0.1", port, 1, "ready", false, Map.of(), 0, expectVersion);
    }

    /** One client's loop until {@code deadlineNanos} (System.nanoTime), at most one operation per {@code pauseMs}. */
    void runClient(int process, ClientOptions options, long deadlineNanos, long seed, int pauseMs) throws InterruptedException {
        Random random = new Random(seed);
        long[] lastValue = new long[keys];
        long[] lastVersion = new long[keys];
        try (SignalboxClient client = new SignalboxClient(options)) {
            while (System.nanoTime() < deadlineNanos) {
                int k = random.nextInt(keys);
                int dice = random.nextInt(100);
                if (dice < 45 || dice >= 85 && lastVersion[k] == 0) {
                    read(client, process, k, Consistency.LINEARIZABLE, lastValue, lastVersion);
                } else if (dice < 60) {
                    read(client, process, k, Consistency.LOCAL, lastValue, lastVersion);
                } else if (dice < 85) {
                    write(client, process, k, null, 0);
                } else {
                    write(client, process, k, lastVersion[k], lastValue[k]);
                }
                Thread.sleep(pauseMs);
            }
        }
    }

    /** A final LINEARIZABLE read of every key, after healing; recorded like any other. */
    void readAll(SignalboxClient client, int process) {
        for (int k = 0; k < keys; k++) {
            read(client, process, k, Consistency.LINEARIZABLE, new long[keys], new long[keys]);
        }
    }

    private void read(SignalboxClient client, int process, int k, Consistency consistency, long[] lastValue, long[] lastVersion) {
        long id = history.nextId();
        long invoke = history.now();
        try {
            Configuration read = client.read(consistency, SERVICE).configuration();
            long complete = history.now();
            for (Server server : read.servers().getOrDefault(SERVICE, List.of())) {
                if (server.name().equals(key(k))) {
                    lastValue[k] = server.port();
                    lastVersion[k] = server.version();
                    history.record(new Op(id, process, key(k), Op.Kind.READ, Op.Outcome.OK, server.port(), 0, server.version(), invoke,
                            complete), consistency.name());
                    return;
                }
            }
            history.record(new Op(id, process, key(k), Op.Kind.READ, Op.Outcome.OK, 0, 0, 0, invoke, complete), consistency.name());
        } catch (SignalboxException e) {
            history.record(new Op(id, process, key(k), Op.Kind.READ, Op.Outcome.FAIL, 0, 0, 0, invoke, history.now()), consistency.name());
        }
    }

    /** A plain write when {@code expectVersion} is null, else a compare-and-set against {@code expectedValue}. */
    private boolean write(SignalboxClient client, int process, int k, Long expectVersion, long expectedValue) {
        int value = nextValue[k].getAndIncrement();
        if (value > PORT_MAX) {
            return false; // this key has used every value once
        }
        Op.Kind kind = expectVersion == null ? Op.Kind.WRITE : Op.Kind.CAS;
        long id = history.nextId();
        long invoke = history.now();
        try {
            long zxid = client.submit(register(k, value, expectVersion)).zxid();
            history.record(new Op(id, process, key(k), kind, Op.Outcome.OK, value, expectedValue, zxid, invoke, history.now()), "");
            return true;
        } catch (SignalboxException e) {
            boolean definite = e.code() == ErrorCode.CONFLICT || e.code() == ErrorCode.INVALID;
            history.record(new Op(id, process, key(k), kind, definite ? Op.Outcome.FAIL : Op.Outcome.INFO, value, expectedValue, 0, invoke,
                    definite ? history.now() : Long.MAX_VALUE), "");
            return false;
        }
    }
}
