package io.signalbox.state;

import io.signalbox.proto.state.StateSnapshot;
import io.signalbox.state.codec.StateCodec;
import io.signalbox.state.codec.StateSnapshotWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The replicated load-balancer configuration. The leader {@link #prepare}s a command into
 * events (or a {@link Rejection}, appending nothing); every replica {@link #apply}s the
 * events of each committed log entry in zxid order. Deterministic and I/O-free: no
 * clock, no randomness, no locale. Not thread-safe: one thread owns it.
 *
 * <p>It keeps at least the last {@code historyEntriesMax} entries (and at most that plus
 * the number of entities, before older ones are folded into a base snapshot), so
 * subscribers can get the events after a zxid and the configuration as of a zxid within
 * that window.
 */
public final class LbStateMachine {
    /** One applied log entry and the identity that caused it (empty when unknown: written before identities). */
    public record Entry(long zxid, List<StateEvent> events, String identity) {
        public Entry(long zxid, List<StateEvent> events) {
            this(zxid, events, "");
        }
    }

    private final Limits limits;
    private final Preparer preparer;
    private final int historyEntriesMax;
    private LbState state = new LbState();
    private long appliedZxid;
    private final ArrayDeque<Entry> history = new ArrayDeque<>();
    /** The state at {@code historyBaseZxid}, just before the oldest retained entry; shares the live state's immutable entities. */
    private LbState historyBase = new LbState();
    private long historyBaseZxid;
    private final StateSnapshotWriter snapshotWriter = new StateSnapshotWriter();

    public LbStateMachine(Limits limits, int historyEntriesMax) {
        if (historyEntriesMax < 2) {
            throw new IllegalArgumentException("historyEntriesMax must be >= 2, got " + historyEntriesMax);
        }
        this.limits = limits;
        this.preparer = new Preparer(limits);
        this.historyEntriesMax = historyEntriesMax;
    }

    /** Validates a command against the current state; see {@link #prepare(Command, StateView)}. */
    public List<StateEvent> prepare(Command command) {
        return prepare(command, state);
    }

    /**
     * Validates a command against {@code view} (a leader passes its view including proposals
     * not yet committed) and returns the events of one log entry; changes nothing.
     *
     * @throws Rejection naming the field, the value and the rule
     */
    public List<StateEvent> prepare(Command command, StateView view) {
        return prepareProposal(command, view).events();
    }

    /**
     * Like {@link #prepare(Command, StateView)}, but returns the log entry's payload, encoded
     * once; zero bytes when the command logs nothing (a keep-alive).
     */
    public byte[] prepareEntry(Command command, StateView view) {
        return prepareProposal(command, view).payload();
    }

    /** A prepared command: its events, and the log entry's payload (zero bytes when there are none). */
    public record Prepared(List<StateEvent> events, byte[] payload) {}

    /** Like {@link #prepareEntry}, keeping the events too, for a leader's speculative view. */
    public Prepared prepareProposal(Command command, StateView view) {
        List<StateEvent> events = preparedEvents(command, view);
        return new Prepared(events, events.isEmpty() ? new byte[0] : encodeWithinLimit(events));
    }

    private List<StateEvent> preparedEvents(Command command, StateView view) {
        if (command == null) {
            throw new Rejection("command", "missing");
        }
        return preparer.prepare(view, command);
    }

    private byte[] encodeWithinLimit(List<StateEvent> events) {
        byte[] payload = StateCodec.encodeEvents(events);
        if (payload.length > limits.commandBytesMax()) {
            throw new Rejection("command", "its events take " + payload.length + " bytes: at most " + limits.commandBytesMax());
        }
        return payload;
    }

    /** Applies the events of the log entry at {@code zxid}; zxids must increase. Total: never rejects an event. */
    public void apply(long zxid, List<StateEvent> events) {
        apply(zxid, events, "");
    }

    /** Like {@link #apply(long, List)}, remembering in the history who caused the entry. */
    public void apply(long zxid, List<StateEvent> events, String identity) {
        if (zxid <= appliedZxid) {
            throw new IllegalArgumentException("entry " + Preparer.formatVersion(zxid) + " is not after the last applied "
                    + Preparer.formatVersion(appliedZxid));
        }
        for (StateEvent event : events) {
            EventApplier.apply(state, zxid, event);
        }
        appliedZxid = zxid;
        history.addLast(new Entry(zxid, List.copyOf(events), identity));
        // Trimming waits until the overflow is as large as the state: subscribers can resume from
        // as far back as when each trim cost a pass over the state. Folding costs the events only.
        long entities = (long) state.serviceCount() + state.serverCount() + state.sessionCount();
        if (history.size() > (long) historyEntriesMax + Math.max(historyEntriesMax, entities)) {
            trimHistory();
        }
    }

    /** Applies a log entry's payload as written by {@link StateCodec#encodeEvents}. */
    public void applyEntry(long zxid, byte[] payload) {
        apply(zxid, StateCodec.decodeEvents(payload));
    }

    public long appliedZxid() {
        return appliedZxid;
    }

    /** Read access for validation and queries; do not keep it across {@link #restore}. */
    public StateView view() {
        return state;
    }

    public Service service(String name) {
        return state.service(name);
    }

    public Server server(String service, String name) {
        return state.server(new ServerKey(service, name));
    }

    public List<Service> services() {
        return List.copyOf(state.services());
    }

    public List<Server> servers(String service) {
        return List.copyOf(state.servers(service));
    }

    /** Open sessions, by id. */
    public List<Session> sessions() {
        return List.copyOf(state.sessions());
    }

    public int serverCount() {
        return state.serverCount();
    }

    /** The access table: every identity with a grant, and its grants; an immutable copy (answers leave this thread). */
    public java.util.SortedMap<String, java.util.SortedSet<Grant>> grants() {
        java.util.TreeMap<String, java.util.SortedSet<Grant>> copy = new java.util.TreeMap<>();
        state.grants().forEach((identity, held) -> copy.put(identity, java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(held))));
        return java.util.Collections.unmodifiableSortedMap(copy);
    }

    /** Stable, order-independent digest of the configuration (services, servers, sessions, versions). */
    public long digest() {
        return state.digest();
    }

    public Configuration configuration() {
        return Configuration.of(appliedZxid, state);
    }

    /**
     * One service and its servers as of the applied zxid, without sessions (empty when there is
     * no such service); the digest is the whole configuration's. Costs that service's size, not
     * the whole configuration's.
     */
    public Configuration configuration(String service) {
        return Configuration.ofService(appliedZxid, state, service);
    }

    /** The applied entries after {@code zxid}, in order. */
    public List<Entry> eventsAfter(long zxid) {
        if (zxid < historyBaseZxid) {
            throw new HistoryGoneException(zxid, historyBaseZxid);
        }
        List<Entry> after = new ArrayList<>();
        for (Entry entry : history) {
            if (entry.zxid() > zxid) {
                after.add(entry);
            }
        }
        return after;
    }

    /** The configuration as of {@code zxid}, anywhere in the retained history. */
    public Configuration configurationAt(long zxid) {
        if (zxid < historyBaseZxid) {
            throw new HistoryGoneException(zxid, historyBaseZxid);
        }
        if (zxid >= appliedZxid) {
            return configuration();
        }
        LbState replay = historyBase.copy();
        long last = historyBaseZxid;
        for (Entry entry : history) {
            if (entry.zxid() > zxid) {
                break;
            }
            applyEvents(replay, entry);
            last = entry.zxid();
        }
        return Configuration.of(last, replay);
    }

    /** The whole state (sessions included) at {@link #appliedZxid()}, as protobuf. */
    public byte[] snapshot() {
        List<Server> servers = new ArrayList<>(state.serverCount());
        for (Service service : state.services()) {
            servers.addAll(state.servers(service.name()));
        }
        return snapshotWriter.write(appliedZxid, state.nextSessionId(), state.services(), servers, state.sessions(), state.grants());
    }

    /** A state machine holding the snapshot's state; its history starts at the snapshot. */
    public static LbStateMachine restore(byte[] snapshot, Limits limits, int historyEntriesMax) {
        StateSnapshot parsed = StateCodec.parseSnapshot(snapshot);
        LbStateMachine machine = new LbStateMachine(limits, Math.max(2, historyEntriesMax));
        LbState state = new LbState();
        for (io.signalbox.proto.state.Service service : parsed.getServicesList()) {
            state.putService(StateCodec.fromProto(service));
        }
        for (io.signalbox.proto.state.Server server : parsed.getServersList()) {
            state.putServer(StateCodec.fromProto(server));
        }
        for (io.signalbox.proto.state.Session session : parsed.getSessionsList()) {
            state.putSession(StateCodec.fromProto(session));
        }
        java.util.TreeMap<String, java.util.SortedSet<Grant>> grants = new java.util.TreeMap<>();
        for (io.signalbox.proto.state.RoleGrant grant : parsed.getGrantsList()) {
            grants.computeIfAbsent(grant.getIdentity(), i -> new java.util.TreeSet<>()).add(StateCodec.fromProto(grant));
        }
        grants.forEach(state::putGrants);
        state.setNextSessionId(parsed.getNextSessionId());
        machine.state = state;
        machine.appliedZxid = parsed.getZxid();
        machine.historyBase = state.copy();
        machine.historyBaseZxid = parsed.getZxid();
        return machine;
    }

    /** Folds the entries beyond the newest {@code historyEntriesMax} into the base. */
    private void trimHistory() {
        int drop = history.size() - historyEntriesMax;
        for (int i = 0; i < drop; i++) {
            Entry entry = history.removeFirst();
            applyEvents(historyBase, entry);
            historyBaseZxid = entry.zxid();
        }
    }

    private static void applyEvents(LbState to, Entry entry) {
        for (StateEvent event : entry.events()) {
            EventApplier.apply(to, entry.zxid(), event);
        }
    }
}
