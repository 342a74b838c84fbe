package io.signalbox.simulation;

import io.signalbox.consensus.Txn;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * The simulator's replicated state: a map of registers (key -> value, version zxid),
 * written by client commands. Deterministic, snapshot-able, with an order-independent
 * digest kept up to date incrementally so every delivery can be compared across replicas.
 */
final class RegisterStateMachine {
    static final int COMMAND_BYTES = 20;

    private record Register(long value, long version) {}

    private final TreeMap<Integer, Register> registers = new TreeMap<>();
    private long appliedZxid;
    private long digestSum;

    /** A client write: {@code key := value}, tagged with the unique operation id. */
    static byte[] command(long operationId, int key, long value) {
        return ByteBuffer.allocate(COMMAND_BYTES).putLong(operationId).putInt(key).putLong(value).array();
    }

    static long operationId(byte[] command) {
        return ByteBuffer.wrap(command).getLong(0);
    }

    void apply(Txn txn) {
        ByteBuffer command = ByteBuffer.wrap(txn.payload());
        command.getLong();
        int key = command.getInt();
        long value = command.getLong();
        Register previous = registers.put(key, new Register(value, txn.zxid()));
        if (previous != null) {
            digestSum -= mix(key, previous);
        }
        digestSum += mix(key, new Register(value, txn.zxid()));
        appliedZxid = txn.zxid();
    }

    long appliedZxid() {
        return appliedZxid;
    }

    /** Same registers, same versions, same applied zxid: same digest. */
    long digest() {
        return digestSum * 31 + appliedZxid;
    }

    byte[] serialize() {
        ByteBuffer buffer = ByteBuffer.allocate(12 + registers.size() * 20);
        buffer.putLong(appliedZxid).putInt(registers.size());
        for (Map.Entry<Integer, Register> entry : registers.entrySet()) {
            buffer.putInt(entry.getKey()).putLong(entry.getValue().value()).putLong(entry.getValue().version());
        }
        return buffer.array();
    }

    /** Restores from {@link #serialize()} output; zero bytes is the empty genesis state. */
    void restore(byte[] state) {
        registers.clear();
        digestSum = 0;
        appliedZxid = 0;
        if (state.length == 0) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(state);
        appliedZxid = buffer.getLong();
        int count = buffer.getInt();
        for (int i = 0; i < count; i++) {
            int key = buffer.getInt();
            Register register = new Register(buffer.getLong(), buffer.getLong());
            registers.put(key, register);
            digestSum += mix(key, register);
        }
    }

    private static long mix(int key, Register register) {
        long h = key * 0x9E3779B97F4A7C15L ^ register.value() * 0xC2B2AE3D27D4EB4FL ^ register.version() * 0x165667B19E3779F9L;
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        return h ^ (h >>> 29);
    }
}
