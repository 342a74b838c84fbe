package io.signalbox.node;

import io.signalbox.state.codec.EntryCodec.AppliedCommand;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The commands each client has had applied, by sequence number, updated on every replica
 * as entries apply and carried in snapshots, so whichever node leads can answer a retried
 * command with its first result instead of applying it twice. A client pipelines, so its
 * commands may apply out of sequence order: each client keeps a window of its last
 * {@link #SEQUENCES_PER_CLIENT_MAX} applied sequences. Bounded: the clients least recently
 * heard from are forgotten first, identically on every replica because updates happen in
 * zxid order.
 */
final class ClientTable {
    static final int CLIENTS_MAX = 4_096;
    static final int SEQUENCES_PER_CLIENT_MAX = 1_024;

    record Applied(long sequence, long zxid, long sessionId) {}

    /** What a command's client id and sequence say about it. */
    enum Verdict { NEW, DUPLICATE, TOO_OLD }

    private final LinkedHashMap<String, TreeMap<Long, Applied>> clients = new LinkedHashMap<>();

    Verdict verdict(String clientId, long sequence) {
        TreeMap<Long, Applied> window = clients.get(clientId);
        if (window == null) {
            return Verdict.NEW;
        }
        if (window.containsKey(sequence)) {
            return Verdict.DUPLICATE;
        }
        return window.size() >= SEQUENCES_PER_CLIENT_MAX && sequence < window.firstKey() ? Verdict.TOO_OLD : Verdict.NEW;
    }

    /** The first result of a duplicate, or null. */
    Applied applied(String clientId, long sequence) {
        TreeMap<Long, Applied> window = clients.get(clientId);
        return window == null ? null : window.get(sequence);
    }

    long oldestRemembered(String clientId) {
        TreeMap<Long, Applied> window = clients.get(clientId);
        return window == null || window.isEmpty() ? 0 : window.firstKey();
    }

    void record(String clientId, long sequence, long zxid, long sessionId) {
        if (clientId.isEmpty()) {
            return;
        }
        TreeMap<Long, Applied> window = clients.remove(clientId);
        if (window == null) {
            window = new TreeMap<>();
        }
        clients.put(clientId, window); // most recently heard from: last
        window.put(sequence, new Applied(sequence, zxid, sessionId));
        while (window.size() > SEQUENCES_PER_CLIENT_MAX) {
            window.pollFirstEntry();
        }
        if (clients.size() > CLIENTS_MAX) {
            Iterator<Map.Entry<String, TreeMap<Long, Applied>>> eldest = clients.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    List<AppliedCommand> toRecords() {
        List<AppliedCommand> records = new ArrayList<>();
        clients.forEach((id, window) -> window.values().forEach(a -> records.add(new AppliedCommand(id, a.sequence(), a.zxid(),
                a.sessionId()))));
        return records;
    }

    /**
     * Rebuilds the table from a snapshot's records. {@link #toRecords()} writes each client's
     * window together, least recently heard from first, sequences ascending; such a list is
     * laid down directly (every node restart and snapshot install comes here). Any other
     * order is replayed record by record, which gives the same table for this one.
     */
    static ClientTable fromRecords(List<AppliedCommand> records) {
        ClientTable table = new ClientTable();
        TreeMap<Long, Applied> window = null;
        String windowOf = null;
        for (AppliedCommand r : records) {
            if (r.clientId().isEmpty()) {
                continue;
            }
            if (!r.clientId().equals(windowOf)) {
                if (table.clients.containsKey(r.clientId())) {
                    return replayed(records);
                }
                windowOf = r.clientId();
                window = new TreeMap<>();
                table.clients.put(windowOf, window);
            } else if (window.lastKey() >= r.sequence()) {
                return replayed(records);
            }
            window.put(r.sequence(), new Applied(r.sequence(), r.zxid(), r.sessionId()));
            if (window.size() > SEQUENCES_PER_CLIENT_MAX) {
                window.pollFirstEntry();
            }
        }
        while (table.clients.size() > CLIENTS_MAX) {
            Iterator<String> eldest = table.clients.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return table;
    }

    private static ClientTable replayed(List<AppliedCommand> records) {
        ClientTable table = new ClientTable();
        for (AppliedCommand r : records) {
            table.record(r.clientId(), r.sequence(), r.zxid(), r.sessionId());
        }
        return table;
    }

    int size() {
        return clients.size();
    }
}
