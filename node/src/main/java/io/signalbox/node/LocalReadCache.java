package io.signalbox.node;

import io.signalbox.protocol.ClientRequest;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.ReadRequest;
import io.signalbox.state.Configuration;
import io.signalbox.state.Server;
import io.signalbox.state.Service;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * For hosts: LOCAL reads of one service answered on the thread that received them (the
 * server's Netty threads), without entering the node's thread, from what the node last
 * answered for that service. The simulator hosts it too and checks every answer it would
 * give against the node's own. Carrying out the node's effects in order keeps it exact: a
 * service's entry is dropped before the zxid that changed it is published
 * ({@link NodeEffect.ServicesChanged} comes before {@link NodeEffect.Applied}), and a new
 * entry is kept only when it was read at the zxid last published. A reader takes
 * the published zxid, then the entry, then the published zxid again; only if both are the
 * same publication is the entry the service's state at that zxid. Anything else (LINEARIZABLE,
 * a whole-configuration or historical read, a zxid not applied yet, a miss) goes to the node.
 * Its methods under "the host's thread" are called by the one thread that carries out the
 * node's effects, in their order; {@link #answer} by any thread.
 */
public final class LocalReadCache {
    /** Services cached at most; beyond it, reads of other services go to the node. */
    static final int SERVICES_MAX = 10_000;

    private record Published(long zxid, long digest) {}

    private record Entry(List<Service> services, Map<String, List<Server>> servers) {}

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private volatile Published published;

    // ---- the host's thread, in effect order ----

    /** The node's state as it starts, before any effect. */
    public void start(long appliedZxid, long digest) {
        entries.clear();
        published = new Published(appliedZxid, digest);
    }

    public void carryOut(NodeEffect effect) {
        if (effect instanceof NodeEffect.ServicesChanged changed) {
            if (changed.all()) {
                entries.clear();
            } else {
                changed.services().forEach(entries::remove);
            }
        } else if (effect instanceof NodeEffect.Applied applied) {
            published = new Published(applied.txn().zxid(), applied.digestAfter());
        } else if (effect instanceof NodeEffect.Restored restored) {
            entries.clear();
            published = new Published(restored.snapshotZxid(), restored.digest());
        } else if (effect instanceof NodeEffect.ServiceRead read) {
            Published now = published;
            if (now != null && read.configuration().zxid() == now.zxid() && entries.size() < SERVICES_MAX) {
                entries.put(read.service(), new Entry(read.configuration().services(), read.configuration().servers()));
            }
        }
    }

    // ---- any thread ----

    /** The answer to {@code request} as the node would give it now, or null when only the node can answer. */
    public Configuration answer(ClientRequest request) {
        if (!(request instanceof ReadRequest read) || read.consistency() != Consistency.LOCAL || read.atZxid() != 0
                || read.service().isEmpty()) {
            return null;
        }
        Published before = published;
        if (before == null || before.zxid() < read.minZxid()) {
            return null;
        }
        Entry entry = entries.get(read.service());
        if (entry == null || published != before) {
            return null;
        }
        return new Configuration(before.zxid(), entry.services(), entry.servers(), List.of(), before.digest());
    }
}
