package io.signalbox.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Txn;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.ReadRequest;
import io.signalbox.state.Balance;
import io.signalbox.state.Configuration;
import io.signalbox.state.Mode;
import io.signalbox.state.Service;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The cache in front of the loop answers only what the loop would answer at the zxid it
 * names: effects are fed in the order the node emits them, and every interleaving that
 * matters is spelled out (a reader between invalidation and publication, a fill of an older
 * state, a client ahead of the node).
 */
class LocalReadCacheTest {
    private static final long Z1 = Zxid.of(1, 1);
    private static final long Z2 = Zxid.of(1, 2);
    private static final long Z3 = Zxid.of(1, 3);

    private final LocalReadCache cache = new LocalReadCache();

    private static Configuration web(long zxid, int port, long digest) {
        Service service = new Service("web", Mode.HTTP, port, Balance.ROUNDROBIN, null, 1_000, 1_000, 1_000, zxid);
        return new Configuration(zxid, List.of(service), Map.of("web", List.of()), List.of(), digest);
    }

    private static ReadRequest local(String service, long minZxid) {
        return new ReadRequest(Consistency.LOCAL, minZxid, service, 0);
    }

    private static NodeEffect.Applied applied(long zxid, long digest) {
        return new NodeEffect.Applied(new Txn(zxid, new byte[0]), digest);
    }

    @Test
    void aServiceReadAtTheLastAppliedZxidIsAnsweredUntilAChangeNamesIt() {
        cache.start(Z1, 11);
        assertNull(cache.answer(local("web", 0)), "nothing cached yet");
        cache.carryOut(new NodeEffect.ServiceRead("web", web(Z1, 8080, 11)));
        assertEquals(web(Z1, 8080, 11), cache.answer(local("web", Z1)));

        cache.carryOut(new NodeEffect.ServicesChanged(Set.of("api"), false));
        cache.carryOut(applied(Z2, 22));
        assertEquals(web(Z1, 8080, 11).services(), cache.answer(local("web", Z2)).services(), "another service changed: still web's state");
        assertEquals(Z2, cache.answer(local("web", 0)).zxid(), "answered at the zxid now applied, with its digest");
        assertEquals(22, cache.answer(local("web", 0)).digest());

        cache.carryOut(new NodeEffect.ServicesChanged(Set.of("web"), false));
        assertNull(cache.answer(local("web", 0)), "dropped before the change is published");
        cache.carryOut(applied(Z3, 33));
        assertNull(cache.answer(local("web", 0)));
    }

    @Test
    void aFillOfAnOlderStateThanTheLastPublishedIsNotKept() {
        cache.start(Z1, 11);
        cache.carryOut(new NodeEffect.ServicesChanged(Set.of("api"), false));
        cache.carryOut(applied(Z2, 22));
        cache.carryOut(new NodeEffect.ServiceRead("web", web(Z1, 8080, 11)));
        assertNull(cache.answer(local("web", 0)), "read at 1:1, but 1:2 is published: it cannot be labelled 1:2");
    }

    @Test
    void aClientAheadOfTheNodeAndEveryOtherKindOfReadGoToTheLoop() {
        cache.start(Z1, 11);
        cache.carryOut(new NodeEffect.ServiceRead("web", web(Z1, 8080, 11)));
        assertNull(cache.answer(local("web", Z2)), "the client has seen 1:2; only the loop can wait for it");
        assertNull(cache.answer(new ReadRequest(Consistency.LINEARIZABLE, 0, "web", 0)));
        assertNull(cache.answer(local("", 0)), "the whole configuration");
        assertNull(cache.answer(new ReadRequest(Consistency.LOCAL, 0, "web", Z1)), "a historical read");
        assertNull(cache.answer(local("api", 0)), "never read");
    }

    @Test
    void aSessionsEndOrASnapshotFromTheLeaderDropsEverything() {
        cache.start(Z1, 11);
        cache.carryOut(new NodeEffect.ServiceRead("web", web(Z1, 8080, 11)));
        cache.carryOut(new NodeEffect.ServicesChanged(Set.of(), true));
        cache.carryOut(applied(Z2, 22));
        assertNull(cache.answer(local("web", 0)));

        cache.carryOut(new NodeEffect.ServiceRead("web", web(Z2, 8080, 22)));
        cache.carryOut(new NodeEffect.Restored(Z3, 33));
        assertNull(cache.answer(local("web", 0)));
    }
}
