package io.signalbox.node;

import io.signalbox.state.codec.EntryCodec.AppliedWindow;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    private final LinkedHashMap<String, SequenceWindow> clients = new LinkedHashMap<>();

    Verdict verdict(String clientId, long sequence) {
        SequenceWindow window = clients.get(clientId);
        if (window == null) {
            return Verdict.NEW;
        }
        if (window.contains(sequence)) {
            return Verdict.DUPLICATE;
        }
        return window.size() >= SEQUENCES_PER_CLIENT_MAX && sequence < window.first() ? Verdict.TOO_OLD : Verdict.NEW;
    }

    /** The first result of a duplicate, or null. */
    Applied applied(String clientId, long sequence) {
        SequenceWindow window = clients.get(clientId);
        return window == null ? null : window.applied(sequence);
    }

    long oldestRemembered(String clientId) {
        SequenceWindow window = clients.get(clientId);
        return window == null || window.isEmpty() ? 0 : window.first();
    }

    void record(String clientId, long sequence, long zxid, long sessionId) {
        if (clientId.isEmpty()) {
            return;
        }
        SequenceWindow window = clients.remove(clientId);
        if (window == null) {
            window = new SequenceWindow();
        }
        clients.put(clientId, window); // most recently heard from: last
        window.put(sequence, zxid, sessionId);
        while (window.size() > SEQUENCES_PER_CLIENT_MAX) {
            window.removeFirst();
        }
        if (clients.size() > CLIENTS_MAX) {
            Iterator<Map.Entry<String, SequenceWindow>> eldest = clients.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    /** Every client's window, least recently heard from first, sequences ascending: what a snapshot records. */
    List<AppliedWindow> toWindows() {
        List<AppliedWindow> windows = new ArrayList<>(clients.size());
        clients.forEach((id, window) -> windows.add(new AppliedWindow(id, window.sequences(), window.zxids(), window.sessionIds())));
        return windows;
    }

    /**
     * Rebuilds the table from a snapshot's windows. {@link #toWindows()} writes each client once,
     * least recently heard from first, sequences ascending; such a list is laid down directly
     * (every node restart and snapshot install comes here). Anything else (a snapshot written
     * record by record, before windows) is replayed command by command, which gives the same
     * table for this one.
     */
    static ClientTable fromWindows(List<AppliedWindow> windows) {
        ClientTable table = new ClientTable();
        for (AppliedWindow written : windows) {
            if (written.clientId().isEmpty()) {
                continue;
            }
            boolean ascending = SequenceWindow.firstNotAscending(written.sequences(), 0, written.size()) == written.size();
            if (table.clients.containsKey(written.clientId()) || !ascending) {
                return replayed(windows);
            }
            int from = Math.max(0, written.size() - SEQUENCES_PER_CLIENT_MAX);
            table.clients.put(written.clientId(),
                    new SequenceWindow(written.sequences(), written.zxids(), written.sessionIds(), from, written.size()));
        }
        while (table.clients.size() > CLIENTS_MAX) {
            Iterator<String> eldest = table.clients.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return table;
    }

    private static ClientTable replayed(List<AppliedWindow> windows) {
        ClientTable table = new ClientTable();
        for (AppliedWindow w : windows) {
            for (int i = 0; i < w.size(); i++) {
                table.record(w.clientId(), w.sequences()[i], w.zxids()[i], w.sessionIds()[i]);
            }
        }
        return table;
    }

    int size() {
        return clients.size();
    }
}
