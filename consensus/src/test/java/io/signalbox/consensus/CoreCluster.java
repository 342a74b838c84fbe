package io.signalbox.consensus;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** Cores with instant disks and a network that can cut nodes off; no time, no threads. Messages to ids with no core are lost. */
final class CoreCluster {

    final Map<Integer, ZabCore> cores = new TreeMap<>();
    final ArrayDeque<Effect.Send> wire = new ArrayDeque<>();
    final List<int[]> sentFromTo = new ArrayList<>();
    final Map<Integer, List<Effect.ReadReady>> ready = new TreeMap<>();
    final Set<Integer> cutOff = new HashSet<>();
    final Map<Effect.Send, Integer> senders = new java.util.IdentityHashMap<>();
    final List<String> roleChanges = new ArrayList<>();
    /** Sends it matches are lost, as a dropped connection loses them; {@code from} is the sender. */
    java.util.function.BiPredicate<Integer, Effect.Send> lose = (from, send) -> false;

    /** One core per id of {@code voters}, each bootstrapped with them. */
    CoreCluster(List<Integer> voters) {
        for (int id : voters) {
            start(id, voters);
        }
    }

    /** A node with an empty history that starts with {@code voters} as its configuration (a new cluster, or one joining). */
    void start(int id, List<Integer> voters) {
        SplittableRandom random = new SplittableRandom(id);
        cores.put(id, ZabCore.create(ZabConfig.defaults(id, voters), RecoveredState.EMPTY, random::nextLong));
        ready.put(id, new ArrayList<>());
        drain(id);
    }

    void drain(int id) {
        ZabCore core = cores.get(id);
        List<Effect> effects;
        while (!(effects = core.takeEffects()).isEmpty()) {
            for (Effect effect : effects) {
                if (effect instanceof Effect.Send send) {
                    senders.put(send, id);
                    wire.add(send);
                } else if (effect instanceof Effect.DurableWrite write) {
                    core.written(write.writeId());
                } else if (effect instanceof Effect.RoleChanged change) {
                    roleChanges.add(id + " " + change.role() + ": " + change.reason());
                } else if (effect instanceof Effect.ReadReady read) {
                    ready.get(id).add(read);
                }
            }
        }
    }

    void deliverAll() {
        for (int i = 0; i < 100_000 && !wire.isEmpty(); i++) {
            Effect.Send send = wire.poll();
            int from = senders.remove(send);
            if (cutOff.contains(from) || cutOff.contains(send.to()) || !cores.containsKey(send.to()) || lose.test(from, send)) {
                continue;
            }
            sentFromTo.add(new int[] {from, send.to()});
            cores.get(send.to()).receive(from, send.message());
            drain(send.to());
        }
    }

    void tick(int times) {
        for (int t = 0; t < times; t++) {
            for (int id : cores.keySet()) {
                cores.get(id).tick();
                drain(id);
            }
            deliverAll();
        }
    }

    int leader() {
        for (Map.Entry<Integer, ZabCore> e : cores.entrySet()) {
            if (e.getValue().role() == Role.LEADING && e.getValue().established() && !cutOff.contains(e.getKey())) {
                return e.getKey();
            }
        }
        return 0;
    }

    int electLeader() {
        for (int t = 0; t < 2_000 && leader() == 0; t++) {
            tick(1);
        }
        int leader = leader();
        assertTrue(leader != 0, "a leader within 2,000 ticks");
        return leader;
    }

    long write(int leader, String value) {
        ProposeResult result = cores.get(leader).propose(value.getBytes(StandardCharsets.UTF_8));
        drain(leader);
        deliverAll();
        return ((ProposeResult.Accepted) result).zxid();
    }
}
