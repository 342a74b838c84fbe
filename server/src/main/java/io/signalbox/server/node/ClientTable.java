package io.signalbox.server.node;

import io.signalbox.proto.node.ClientRecord;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each client's last applied command (sequence, zxid, session opened), updated on every
 * replica as entries apply and carried in snapshots, so whichever node leads can answer a
 * retried command with its first result instead of applying it twice. Bounded: the
 * clients least recently heard from are forgotten first, identically on every replica
 * because updates happen in zxid order.
 */
final class ClientTable {
    static final int CLIENTS_MAX = 100_000;

    record Applied(long sequence, long zxid, long sessionId) {}

    private final LinkedHashMap<String, Applied> clients = new LinkedHashMap<>(16, 0.75f, false);

    /** The result of this client's command with that sequence, if it already applied. */
    Applied appliedAtOrAfter(String clientId, long sequence) {
        Applied applied = clients.get(clientId);
        return applied != null && applied.sequence() >= sequence ? applied : null;
    }

    void record(String clientId, long sequence, long zxid, long sessionId) {
        if (clientId.isEmpty()) {
            return;
        }
        clients.remove(clientId);
        clients.put(clientId, new Applied(sequence, zxid, sessionId));
        if (clients.size() > CLIENTS_MAX) {
            Iterator<Map.Entry<String, Applied>> eldest = clients.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    List<ClientRecord> toRecords() {
        List<ClientRecord> records = new ArrayList<>(clients.size());
        clients.forEach((id, a) -> records.add(ClientRecord.newBuilder().setClientId(id).setSequence(a.sequence())
                .setZxid(a.zxid()).setSessionId(a.sessionId()).build()));
        return records;
    }

    static ClientTable fromRecords(List<ClientRecord> records) {
        ClientTable table = new ClientTable();
        for (ClientRecord r : records) {
            table.record(r.getClientId(), r.getSequence(), r.getZxid(), r.getSessionId());
        }
        return table;
    }

    int size() {
        return clients.size();
    }
}
