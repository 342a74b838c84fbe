package io.signalbox.consensus.impl;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Checks;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import java.util.ArrayList;
import java.util.List;

/**
 * The core's view of this node's history: a base snapshot and the txns after it, in
 * strictly increasing zxid order. Not all of it need be durable yet; durability is
 * tracked separately ({@code lastPersistedZxid}).
 */
final class History {
    private Snapshot snapshot;
    private final ArrayList<Txn> entries = new ArrayList<>();

    History(Snapshot snapshot, List<Txn> entries) {
        this.snapshot = snapshot;
        for (Txn txn : entries) {
            append(txn);
        }
    }

    Snapshot snapshot() {
        return snapshot;
    }

    long lastZxid() {
        return entries.isEmpty() ? snapshot.zxid() : entries.get(entries.size() - 1).zxid();
    }

    int size() {
        return entries.size();
    }

    /** True when {@code zxid} is the snapshot's zxid or the zxid of a retained entry. */
    boolean contains(long zxid) {
        return zxid == snapshot.zxid() || indexOf(zxid) >= 0;
    }

    Txn get(long zxid) {
        int index = indexOf(zxid);
        if (!(index >= 0)) {
            throw Checks.violation("no entry %s in history", Zxid.format(zxid));
        }
        return entries.get(index);
    }

    /** The largest zxid in this history (snapshot included) that is at most {@code zxid}, or -1 if none. */
    long floor(long zxid) {
        if (zxid < snapshot.zxid()) {
            return -1;
        }
        int index = indexOf(zxid);
        if (index >= 0) {
            return zxid;
        }
        int insertion = -index - 1;
        return insertion == 0 ? snapshot.zxid() : entries.get(insertion - 1).zxid();
    }

    /** Up to {@code countMax} txns (and {@code bytesMax} payload bytes, at least one txn) after {@code zxid}. */
    List<Txn> after(long zxid, int countMax, int bytesMax) {
        if (!(contains(zxid))) {
            throw Checks.violation("cannot read after %s: not in history", Zxid.format(zxid));
        }
        int from = zxid == snapshot.zxid() ? 0 : indexOf(zxid) + 1;
        List<Txn> batch = new ArrayList<>();
        long bytes = 0;
        for (int i = from; i < entries.size() && batch.size() < countMax; i++) {
            Txn txn = entries.get(i);
            if (!batch.isEmpty() && bytes + txn.payload().length > bytesMax) {
                break;
            }
            batch.add(txn);
            bytes += txn.payload().length;
        }
        return batch;
    }

    /** The txns with {@code after < zxid <= upTo}, in order (a view: copy it before changing the history). */
    List<Txn> between(long after, long upTo) {
        int from = firstIndexAbove(after);
        int to = firstIndexAbove(upTo);
        return from >= to ? List.of() : entries.subList(from, to);
    }

    private int firstIndexAbove(long zxid) {
        int index = indexOf(zxid);
        return index >= 0 ? index + 1 : -index - 1;
    }

    void append(Txn txn) {
        if (!(txn.zxid() > lastZxid())) {
            throw Checks.violation("append %s after %s breaks zxid order",
                Zxid.format(txn.zxid()), Zxid.format(lastZxid()));
        }
        entries.add(txn);
    }

    void truncateAfter(long zxid) {
        if (!(contains(zxid))) {
            throw Checks.violation("truncate point %s is not in history", Zxid.format(zxid));
        }
        int keep = zxid == snapshot.zxid() ? 0 : indexOf(zxid) + 1;
        entries.subList(keep, entries.size()).clear();
    }

    void installSnapshot(Snapshot newSnapshot) {
        snapshot = newSnapshot;
        entries.clear();
    }

    /** Drops the entries a durable snapshot now covers. */
    void compact(Snapshot newSnapshot) {
        if (!(newSnapshot.zxid() >= snapshot.zxid() && contains(newSnapshot.zxid()))) {
            throw Checks.violation("snapshot %s is not within history (%s..%s)", Zxid.format(newSnapshot.zxid()),
                Zxid.format(snapshot.zxid()), Zxid.format(lastZxid()));
        }
        int drop = newSnapshot.zxid() == snapshot.zxid() ? 0 : indexOf(newSnapshot.zxid()) + 1;
        entries.subList(0, drop).clear();
        snapshot = newSnapshot;
    }

    /** Checks order; called from the end-of-step invariants. Linear, so only on small logs or sampled. */
    void checkOrder() {
        long previous = snapshot.zxid();
        for (Txn txn : entries) {
            if (!(txn.zxid() > previous)) {
                throw Checks.violation("history out of order at %s", Zxid.format(txn.zxid()));
            }
            previous = txn.zxid();
        }
    }

    private int indexOf(long zxid) {
        int low = 0;
        int high = entries.size() - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            long found = entries.get(middle).zxid();
            if (found < zxid) {
                low = middle + 1;
            } else if (found > zxid) {
                high = middle - 1;
            } else {
                return middle;
            }
        }
        return -(low + 1);
    }
}
