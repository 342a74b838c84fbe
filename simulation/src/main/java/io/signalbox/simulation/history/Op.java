package io.signalbox.simulation.history;

/**
 * One client operation on one key's register, as a history records it: invoked at
 * {@code invokeNanos}, completed at {@code completeNanos} ({@link Long#MAX_VALUE} when the
 * outcome is unknown). Values are unique per key (a writer never writes a value twice), so a
 * value names the write that produced it.
 *
 * @param value WRITE and CAS: the value written; READ: the value read
 * @param expected CAS: the value the writer expects to replace
 * @param version the version (zxid) returned: for a write, the one it created; for a read, the one seen; 0 if none
 */
public record Op(long id, int process, String key, Kind kind, Outcome outcome, long value, long expected, long version,
                 long invokeNanos, long completeNanos) {
    public enum Kind { WRITE, READ, CAS }

    /** OK: it happened, as recorded. FAIL: it certainly did not happen. INFO: it may or may not have happened. */
    public enum Outcome { OK, FAIL, INFO }

    public Op {
        if (outcome == Outcome.INFO && completeNanos != Long.MAX_VALUE) {
            throw new IllegalArgumentException("an INFO operation never completes: op " + id);
        }
        if (completeNanos < invokeNanos) {
            throw new IllegalArgumentException("op " + id + " completes before it was invoked");
        }
    }

    @Override
    public String toString() {
        String what = switch (kind) {
            case WRITE -> "write " + value;
            case READ -> "read " + (outcome == Outcome.OK ? value : "?");
            case CAS -> "cas " + expected + "->" + value;
        };
        return "#" + id + " p" + process + " " + key + " " + what + " " + outcome
                + (outcome == Outcome.INFO ? "" : " [" + invokeNanos + ".." + completeNanos + "]");
    }
}
