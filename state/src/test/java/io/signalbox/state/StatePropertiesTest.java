package io.signalbox.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.signalbox.state.codec.StateCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** Properties over random command sequences, valid and invalid mixed. */
class StatePropertiesTest {

    /** What running a sequence left: the entries appended and the digest after each. */
    record Run(List<LbStateMachine.Entry> entries, List<Long> digests, LbStateMachine machine) {}

    static Run run(List<Command> commands) {
        LbStateMachine machine = new LbStateMachine(Limits.DEFAULTS, 1_000);
        List<LbStateMachine.Entry> entries = new ArrayList<>();
        List<Long> digests = new ArrayList<>();
        for (Command command : commands) {
            long digestBefore = machine.digest();
            long zxidBefore = machine.appliedZxid();
            List<StateEvent> events;
            try {
                events = machine.prepare(command);
            } catch (Rejection rejected) {
                assertEquals(digestBefore, machine.digest(), "a rejected command changed the state: " + rejected.getMessage());
                assertEquals(zxidBefore, machine.appliedZxid());
                continue;
            }
            assertEquals(digestBefore, machine.digest(), "prepare changed the state");
            if (!events.isEmpty()) {
                long zxid = Fixtures.next(machine);
                machine.apply(zxid, events);
                entries.add(new LbStateMachine.Entry(zxid, events));
                digests.add(machine.digest());
            }
        }
        return new Run(entries, digests, machine);
    }

    /**
     * A leader validates each command against its applied state plus the proposals not yet
     * applied; whenever those apply, its decisions must be the ones it would have made one
     * command at a time.
     */
    @Property(tries = 300)
    void validatingAgainstPendingProposalsDecidesAsOneAtATime(@ForAll("sequences") List<Command> commands,
                                                              @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 12) int applyEvery) {
        Run oneAtATime = run(commands);
        LbStateMachine machine = new LbStateMachine(Limits.DEFAULTS, 1_000);
        SpeculativeState leader = new SpeculativeState(machine);
        java.util.ArrayDeque<LbStateMachine.Entry> pending = new java.util.ArrayDeque<>();
        List<LbStateMachine.Entry> proposed = new ArrayList<>();
        long zxid = 1L << 32; // as run() numbers them: versions are zxids, and commands expect them
        for (int c = 0; c < commands.size(); c++) {
            List<StateEvent> events;
            try {
                events = leader.prepare(commands.get(c)).events();
            } catch (Rejection rejected) {
                events = List.of();
            }
            if (!events.isEmpty()) {
                LbStateMachine.Entry entry = new LbStateMachine.Entry(++zxid, events);
                leader.proposed(entry.zxid(), events);
                pending.addLast(entry);
                proposed.add(entry);
            }
            if (c % applyEvery == applyEvery - 1 || c == commands.size() - 1) {
                while (!pending.isEmpty()) {
                    LbStateMachine.Entry entry = pending.removeFirst();
                    machine.apply(entry.zxid(), entry.events());
                }
                leader.caughtUp();
            }
        }
        assertEquals(oneAtATime.entries().stream().map(LbStateMachine.Entry::events).toList(),
                proposed.stream().map(LbStateMachine.Entry::events).toList());
        assertEquals(oneAtATime.machine().digest(), machine.digest());
    }

    @Property(tries = 300)
    void replayingTheLogThroughTheCodecGivesTheSameDigest(@ForAll("sequences") List<Command> commands) {
        Run run = run(commands);
        LbStateMachine replica = new LbStateMachine(Limits.DEFAULTS, 1_000);
        for (int i = 0; i < run.entries().size(); i++) {
            LbStateMachine.Entry entry = run.entries().get(i);
            replica.applyEntry(entry.zxid(), StateCodec.encodeEvents(entry.events()));
            assertEquals(run.digests().get(i), replica.digest(), "after entry " + i);
        }
        assertEquals(run.machine().configuration(), replica.configuration());
    }

    @Property(tries = 300)
    void snapshotThenRestoreThenTheRestGivesTheSameDigest(@ForAll("sequences") List<Command> commands, @ForAll double cutFraction) {
        Run run = run(commands);
        int cut = (int) Math.floor(Math.abs(cutFraction) % 1.0 * (run.entries().size() + 1));
        LbStateMachine first = new LbStateMachine(Limits.DEFAULTS, 1_000);
        for (LbStateMachine.Entry entry : run.entries().subList(0, cut)) {
            first.apply(entry.zxid(), entry.events());
        }
        LbStateMachine restored = LbStateMachine.restore(first.snapshot(), Limits.DEFAULTS, 1_000);
        assertEquals(first.digest(), restored.digest());
        for (LbStateMachine.Entry entry : run.entries().subList(cut, run.entries().size())) {
            restored.apply(entry.zxid(), entry.events());
        }
        assertEquals(run.machine().digest(), restored.digest());
        assertEquals(run.machine().configuration(), restored.configuration());
    }

    @Property(tries = 150)
    void theConfigurationAsOfAnyRetainedZxidIsWhatWasThere(@ForAll("sequences") List<Command> commands) {
        Run run = run(commands);
        for (int i = 0; i < run.entries().size(); i++) {
            assertEquals(run.digests().get(i), run.machine().configurationAt(run.entries().get(i).zxid()).digest());
        }
    }

    @Property(tries = 300)
    void anEphemeralServerKeepsItsOwnerForAsLongAsThatSessionIsOpen(@ForAll("sequences") List<Command> commands) {
        Run run = run(commands);
        LbStateMachine replay = new LbStateMachine(Limits.DEFAULTS, 1_000);
        for (LbStateMachine.Entry entry : run.entries()) {
            Map<ServerKey, Long> ownersBefore = new java.util.HashMap<>();
            for (Service service : replay.services()) {
                replay.servers(service.name()).stream().filter(s -> s.sessionId() != 0).forEach(s -> ownersBefore.put(s.key(), s.sessionId()));
            }
            replay.apply(entry.zxid(), entry.events());
            ownersBefore.forEach((key, owner) -> {
                Server now = replay.server(key.service(), key.name());
                if (now != null && replay.view().session(owner) != null) {
                    assertEquals(owner, now.sessionId(), key + " changed owner while session " + owner + " was open: " + entry.events());
                }
            });
        }
    }

    @Provide
    Arbitrary<List<Command>> sequences() {
        // Mostly valid values, so servers exist and later commands act on them; some invalid ones mixed in.
        Arbitrary<String> services = Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.of("web", "api", "db")),
                Tuple.of(1, Arbitraries.just("Bad;name")));
        Arbitrary<String> servers = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.of("s1", "s2", "s3", "s4")),
                Tuple.of(1, Arbitraries.just("s 5")));
        Arbitrary<String> addresses = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.of("10.0.0.1", "10.0.0.2", "fd00::1", "::ffff:10.0.0.3")),
                Tuple.of(1, Arbitraries.of("localhost", "10.0.0.300")));
        Arbitrary<Integer> ports = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.of(80, 8080)), Tuple.of(1, Arbitraries.just(0)));
        Arbitrary<Integer> weights = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.integers().between(0, 256)),
                Tuple.of(1, Arbitraries.of(-1, 257)));
        Arbitrary<String> states = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.of("ready", "drain", "maint")),
                Tuple.of(1, Arbitraries.just("up")));
        Arbitrary<Long> sessions = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(0L)), Tuple.of(3, Arbitraries.longs().between(1, 4)));
        Arbitrary<Long> versions = Arbitraries.longs().between(0, 6).map(c -> c == 0 ? 0L : (1L << 32) | c).injectNull(0.9);

        Arbitrary<Command> put = Combinators.combine(services, Arbitraries.of(8080, 9090, 9091, 9092, 70_000),
                Arbitraries.of("roundrobin", "source", "leastconn"), versions)
                .as((name, port, balance, version) -> new Command.PutService(name, "http", port, balance, null, 1_000, 1_000, 1_000, version));
        Arbitrary<Command> remove = Combinators.combine(services, Arbitraries.of(true, false), versions)
                .as(Command.RemoveService::new);
        Arbitrary<Command> register = Combinators.combine(services, servers, addresses, ports, weights, states,
                sessions, versions).as((service, name, address, port, weight, state, session, version) ->
                new Command.RegisterServer(service, name, address, port, weight, state, false, Map.of("zone", "a"), session, version));
        Arbitrary<Command> weight = Combinators.combine(services, servers, weights, versions).as(Command.SetWeight::new);
        Arbitrary<Command> state = Combinators.combine(services, servers, states, versions).as(Command.SetState::new);
        Arbitrary<Command> deregister = Combinators.combine(services, servers, versions).as(Command.DeregisterServer::new);
        Arbitrary<Command> open = Arbitraries.of(500, 5_000, 30_000).map(Command.OpenSession::new);
        Arbitrary<Command> keepAlive = sessions.map(Command.KeepAlive::new);
        Arbitrary<Command> close = sessions.map(Command.CloseSession::new);
        Arbitrary<Command> expire = sessions.map(Command.ExpireSession::new);
        Arbitrary<Command> single = Arbitraries.frequencyOf(Tuple.of(2, put), Tuple.of(1, remove), Tuple.of(8, register),
                Tuple.of(4, weight), Tuple.of(3, state), Tuple.of(2, deregister), Tuple.of(2, open), Tuple.of(1, keepAlive),
                Tuple.of(1, close), Tuple.of(1, expire));
        Arbitrary<Command> multi = single.list().ofMinSize(1).ofMaxSize(4).map(Command.Multi::new);
        List<Command> prelude = List.of(
                new Command.PutService("web", "http", 8080, "roundrobin", null, 1_000, 1_000, 1_000, null),
                new Command.PutService("api", "tcp", 9090, "leastconn", null, 1_000, 1_000, 1_000, null),
                new Command.OpenSession(5_000), new Command.OpenSession(5_000));
        return Arbitraries.frequencyOf(Tuple.of(8, single), Tuple.of(1, multi)).list().ofMaxSize(60).map(rest -> {
            List<Command> all = new ArrayList<>(prelude);
            all.addAll(rest);
            return all;
        });
    }
}
