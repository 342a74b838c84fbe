package io.signalbox.consensus.impl;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Checks;
import io.signalbox.consensus.ConfigurationEntry;
import io.signalbox.consensus.Membership;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The core's view of this node's history: a base snapshot and the txns after it, in
 * strictly increasing zxid order. Not all of it need be durable yet; durability is
 * tracked separately ({@code lastPersistedZxid}).
 *
 * <p>It also knows the membership in force at every zxid it holds: the snapshot's, then
 * one per configuration entry of the retained log. The membership in force is the last one,
 * committed or not (in force on append), so a truncation below a configuration entry is the
 * only way back to the one before it.
 */
final class History {
    private Snapshot snapshot;
    private final ArrayList<Txn> entries = new ArrayList<>();
    /** zxid -> membership: the snapshot's (at or below its zxid) and each retained configuration entry's. */
    private final TreeMap<Long, Membership> configurations = new TreeMap<>();

    /** {@code bootstrap} is the configuration of a snapshot that records none. */
    History(Snapshot snapshot, List<Txn> entries, Membership bootstrap) {
        this.snapshot = withKnownMembership(snapshot, bootstrap);
        configurations.put(this.snapshot.membership().zxid(), this.snapshot.membership());
        for (Txn txn : entries) {
            append(txn);
        }
    }

    private static Snapshot withKnownMembership(Snapshot snapshot, Membership fallback) {
        return snapshot.membership() != null ? snapshot : snapshot.withMembership(fallback);
    }

    /** The membership in force: the last configuration in this history, committed or not. */
    Membership inForce() {
        return configurations.lastEntry().getValue();
    }

    /** The membership in force at {@code zxid} (at or above the snapshot's zxid). */
    Membership membershipAt(long zxid) {
        if (!(zxid >= snapshot.zxid())) {
            throw Checks.violation("membership at %s asked below the snapshot %s", Zxid.format(zxid), Zxid.format(snapshot.zxid()));
        }
        return configurations.floorEntry(zxid).getValue();
    }

    /** True when a configuration this history holds below {@code zxid} has {@code id} among its members. */
    boolean hadMemberBefore(int id, long zxid) {
        for (Membership membership : configurations.headMap(zxid, false).values()) {
            if (membership.isMember(id)) {
                return true;
            }
        }
        return false;
    }

    /** The configuration entries of the retained log, in zxid order (what the node layer reads their node data from). */
    List<Txn> configurationTxns() {
        List<Txn> txns = new ArrayList<>();
        for (long zxid : configurations.tailMap(snapshot.zxid(), false).keySet()) {
            txns.add(get(zxid));
        }
        return txns;
    }

    /** The zxid of the newest configuration entry above {@code committedZxid}, or -1 if none. */
    long configurationAbove(long committedZxid) {
        Map.Entry<Long, Membership> last = configurations.lastEntry();
        return last.getKey() > committedZxid ? last.getKey() : -1;
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
        if (ConfigurationEntry.isConfiguration(txn.payload())) {
            configurations.put(txn.zxid(), ConfigurationEntry.membership(txn));
        }
    }

    void truncateAfter(long zxid) {
        if (!(contains(zxid))) {
            throw Checks.violation("truncate point %s is not in history", Zxid.format(zxid));
        }
        int keep = zxid == snapshot.zxid() ? 0 : indexOf(zxid) + 1;
        entries.subList(keep, entries.size()).clear();
        configurations.tailMap(zxid, false).clear();
    }

    /** {@code fallback}: the configuration of a snapshot that records none (one from a peer that does not send it). */
    void installSnapshot(Snapshot newSnapshot, Membership fallback) {
        snapshot = withKnownMembership(newSnapshot, fallback);
        entries.clear();
        configurations.clear();
        configurations.put(snapshot.membership().zxid(), snapshot.membership());
    }

    /** Drops the entries a durable snapshot now covers. */
    void compact(Snapshot newSnapshot) {
        if (!(newSnapshot.zxid() >= snapshot.zxid() && contains(newSnapshot.zxid()))) {
            throw Checks.violation("snapshot %s is not within history (%s..%s)", Zxid.format(newSnapshot.zxid()),
                Zxid.format(snapshot.zxid()), Zxid.format(lastZxid()));
        }
        int drop = newSnapshot.zxid() == snapshot.zxid() ? 0 : indexOf(newSnapshot.zxid()) + 1;
        entries.subList(0, drop).clear();
        // The core knows the configuration at that zxid, whatever the writer recorded.
        Membership atSnapshot = membershipAt(newSnapshot.zxid());
        snapshot = newSnapshot.withMembership(atSnapshot);
        configurations.headMap(atSnapshot.zxid(), false).clear();
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
