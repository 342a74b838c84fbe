package io.signalbox.simulation.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Linearizability of per-key registers with compare-and-set, by the Wing & Gong algorithm
 * with Lowe's memoization, partitioned by key as Porcupine does (a history of independent
 * keys is linearizable exactly when each key's is). Operations whose outcome is unknown
 * (INFO) stay open until the end of time: they may take effect anywhere after their
 * invocation, or never. Definitely failed writes are left out; a CAS that failed on a
 * version conflict stays in, as an observation that the register did not hold its value.
 */
public final class LinearizabilityChecker {
    /** Work allowed per key before giving up with an unknown verdict. */
    public static final long STEPS_MAX = 50_000_000;

    /** The verdict for a whole history. */
    public record Result(boolean linearizable, boolean complete, String key, List<Op> window, long steps, String explanation) {}

    private LinearizabilityChecker() {}

    /**
     * @param initial each key's value before the history begins (absent: 0)
     */
    public static Result check(List<Op> history, Map<String, Long> initial) {
        Map<String, List<Op>> byKey = new TreeMap<>();
        for (Op op : history) {
            boolean definitelyNothing = op.outcome() == Op.Outcome.FAIL && op.kind() != Op.Kind.CAS;
            boolean readOfNothing = op.kind() == Op.Kind.READ && op.outcome() != Op.Outcome.OK;
            if (!definitelyNothing && !readOfNothing) {
                byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
            }
        }
        long steps = 0;
        boolean complete = true;
        for (Map.Entry<String, List<Op>> key : byKey.entrySet()) {
            Result one = checkKey(key.getKey(), key.getValue(), initial.getOrDefault(key.getKey(), 0L));
            steps += one.steps();
            if (!one.linearizable()) {
                return new Result(false, true, one.key(), one.window(), steps, one.explanation());
            }
            complete &= one.complete();
        }
        return new Result(true, complete, "", List.of(), steps, complete ? "every key is linearizable" : "search limit reached on some key");
    }

    /** A call or return in time order, in a doubly linked list the search lifts entries out of. */
    private static final class Entry {
        final Op op;
        final int index;
        final boolean call;
        Entry match;
        Entry prev;
        Entry next;

        Entry(Op op, int index, boolean call) {
            this.op = op;
            this.index = index;
            this.call = call;
        }
    }

    private record Cached(BitSet linearized, long state) {}

    private record Frame(Entry call, long state) {}

    static Result checkKey(String key, List<Op> ops, long initial) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Entry call = new Entry(ops.get(i), i, true);
            Entry ret = new Entry(ops.get(i), i, false);
            call.match = ret;
            entries.add(call);
            entries.add(ret);
        }
        // Calls before returns at the same instant: the most permissive order for equal clocks.
        entries.sort(Comparator.<Entry>comparingLong(e -> e.call ? e.op.invokeNanos() : e.op.completeNanos())
                .thenComparing(e -> e.call ? 0 : 1));
        Entry head = new Entry(null, -1, false);
        Entry last = head;
        for (Entry e : entries) {
            last.next = e;
            e.prev = last;
            last = e;
        }
        BitSet linearized = new BitSet(ops.size());
        Set<Cached> cache = new HashSet<>();
        Deque<Frame> stack = new ArrayDeque<>();
        long state = initial;
        Entry entry = head.next;
        long steps = 0;
        int deepest = 0;
        BitSet deepestSet = new BitSet();
        while (head.next != null) {
            if (++steps > STEPS_MAX) {
                return new Result(true, false, key, List.of(), steps, "gave up on key " + key + " after " + STEPS_MAX + " steps");
            }
            if (entry.call) {
                long[] next = step(entry.op, state);
                if (next != null) {
                    BitSet candidate = (BitSet) linearized.clone();
                    candidate.set(entry.index);
                    if (cache.add(new Cached(candidate, next[0]))) {
                        stack.push(new Frame(entry, state));
                        state = next[0];
                        linearized.set(entry.index);
                        if (linearized.cardinality() > deepest) {
                            deepest = linearized.cardinality();
                            deepestSet = (BitSet) linearized.clone();
                        }
                        lift(entry);
                        entry = head.next;
                        continue;
                    }
                }
                entry = entry.next;
            } else {
                if (stack.isEmpty()) {
                    Op stuck = firstUnplaced(ops, deepestSet);
                    return new Result(false, true, key, window(ops, deepestSet, stuck), steps, "key " + key + ": no order of the "
                            + "operations explains " + stuck + " (the longest order found placed " + deepest + " of " + ops.size() + ")");
                }
                Frame top = stack.pop();
                state = top.state();
                linearized.clear(top.call().index);
                unlift(top.call());
                entry = top.call().next;
            }
        }
        return new Result(true, true, key, List.of(), steps, "linearizable");
    }

    /** The register's next value after {@code op} from {@code state}, or null when {@code op} cannot happen there. */
    private static long[] step(Op op, long state) {
        switch (op.kind()) {
            case WRITE:
                return new long[] {op.value()};
            case READ:
                return op.value() == state ? new long[] {state} : null;
            case CAS:
                if (op.outcome() == Op.Outcome.OK) {
                    return state == op.expected() ? new long[] {op.value()} : null;
                }
                if (op.outcome() == Op.Outcome.FAIL) {
                    return state != op.expected() ? new long[] {state} : null;
                }
                return new long[] {state == op.expected() ? op.value() : state};
            default:
                throw new AssertionError(op.kind());
        }
    }

    private static void lift(Entry call) {
        call.prev.next = call.next;
        call.next.prev = call.prev;
        Entry ret = call.match;
        ret.prev.next = ret.next;
        if (ret.next != null) {
            ret.next.prev = ret.prev;
        }
    }

    private static void unlift(Entry call) {
        Entry ret = call.match;
        ret.prev.next = ret;
        if (ret.next != null) {
            ret.next.prev = ret;
        }
        call.prev.next = call;
        call.next.prev = call;
    }

    /** The operation the longest order found could not place: of those left out, the first to complete. */
    private static Op firstUnplaced(List<Op> ops, BitSet longestOrder) {
        Op first = null;
        for (int i = 0; i < ops.size(); i++) {
            if (!longestOrder.get(i) && (first == null || ops.get(i).completeNanos() < first.completeNanos())) {
                first = ops.get(i);
            }
        }
        return first;
    }

    /**
     * The smallest window that shows the problem: the operation that could not be placed, and
     * the operations of its key not in the longest order found that overlap or precede it,
     * plus the last few that were placed, in invocation order.
     */
    private static List<Op> window(List<Op> ops, BitSet longestOrder, Op stuck) {
        List<Op> window = new ArrayList<>();
        List<Op> placed = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            if (op.invokeNanos() > stuck.completeNanos()) {
                continue;
            }
            if (longestOrder.get(i)) {
                placed.add(op);
            } else {
                window.add(op);
            }
        }
        placed.sort(Comparator.comparingLong(Op::completeNanos));
        window.addAll(placed.subList(Math.max(0, placed.size() - 3), placed.size()));
        window.sort(Comparator.comparingLong(Op::invokeNanos));
        return window;
    }
}
