package io.signalbox.simulation;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.Role;
import io.signalbox.consensus.Txn;
import io.signalbox.consensus.ZabConfig;
import io.signalbox.node.NodeOptions;
import io.signalbox.node.PeerMessage;
import io.signalbox.protocol.CommandRequest;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.ErrorReply;
import io.signalbox.protocol.Request;
import io.signalbox.protocol.Response;
import io.signalbox.storage.LogEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A cluster of real cores under manual control, for scenario transcripts: messages
 * wait in one FIFO queue until a command delivers or drops them, and each node's disk
 * batch waits until a command completes it (its report then reaches the node at once). Every step is checked by the same {@link SafetyChecker}
 * as the simulator. {@code add-voter N} on the next unused id starts node N, empty, with the
 * configuration it joins, once the leader accepted the change.
 */
final class ScenarioCluster implements SimNode.Host {
    private record InFlight(int from, int to, PeerMessage message) {}

    private final List<SimNode> nodes = new ArrayList<>();
    private final List<InFlight> network = new ArrayList<>();
    private final TreeSet<Integer> pendingSyncs = new TreeSet<>();
    private boolean[][] blocked;
    private SafetyChecker checker;
    private SimulationOptions options;
    private final List<String> out = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(7);
    /** What the current {@code propose} command asked for, so its proposal is printed under its name. */
    private String proposing;
    private long nextRequestId = 1;
    private final java.util.Set<Long> acknowledged = new java.util.HashSet<>();

    /** Runs one command and returns what it printed. */
    String run(String command) {
        out.clear();
        String[] words = command.trim().split("\\s+");
        switch (words[0]) {
            case "add-nodes" -> addNodes(Integer.parseInt(words[1]), option(words, "snapshot-every", 1_000_000),
                    option(words, "counter-max", Zxid.COUNTER_MAX));
            case "tick" -> tick(nodeIds(words[1]), words.length > 2 ? Integer.parseInt(words[2]) : 1);
            case "deliver" -> deliver(words.length > 1 ? nodeIds(words[1]) : allIds());
            case "drop" -> drop(words.length > 1 ? nodeIds(words[1]) : allIds());
            case "sync" -> sync(words.length > 1 ? nodeIds(words[1]) : allIds());
            case "stabilize" -> stabilize();
            case "partition" -> partition(command.substring("partition".length()));
            case "heal" -> blocked = noLinkBlocked();
            case "crash" -> crash(Integer.parseInt(words[1]));
            case "restart" -> restart(Integer.parseInt(words[1]));
            case "propose" -> propose(Integer.parseInt(words[1]), words[2]);
            case "status" -> status();
            case "membership" -> membership();
            case "add-voter" -> changeMembership(io.signalbox.consensus.MembershipChange.addVoter(Integer.parseInt(words[1])));
            case "remove-voter" -> changeMembership(io.signalbox.consensus.MembershipChange.removeVoter(Integer.parseInt(words[1])));
            case "add-observer" -> changeMembership(io.signalbox.consensus.MembershipChange.addObserver(Integer.parseInt(words[1])));
            case "remove-observer" -> changeMembership(io.signalbox.consensus.MembershipChange.removeObserver(Integer.parseInt(words[1])));
            case "promote-observer" -> changeMembership(io.signalbox.consensus.MembershipChange.promoteObserver(Integer.parseInt(words[1])));
            case "log" -> log(Integer.parseInt(words[1]));
            default -> throw new IllegalArgumentException("unknown scenario command '" + words[0]
                    + "'; allowed: add-nodes, tick, deliver, drop, sync, stabilize, partition, heal, crash, restart, propose, status, log, add-voter, remove-voter, add-observer, remove-observer, promote-observer, membership");
        }
        return out.isEmpty() ? "ok" : String.join("\n", out);
    }

    /** {@code name value} among the command's words, or the default. */
    private static long option(String[] words, String name, long defaultValue) {
        for (int i = 2; i + 1 < words.length; i++) {
            if (words[i].equals(name)) {
                return Long.parseLong(words[i + 1]);
            }
        }
        return defaultValue;
    }

    private void addNodes(int count, long snapshotEvery, long counterMax) {
        options = new SimulationOptions(1, count, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, (int) snapshotEvery, counterMax, java.util.Set.of());
        checker = new SafetyChecker(ZabConfig.VOTERS_MAX).withCommitWitnesses(new SafetyChecker.CommitWitnesses() {
            @Override
            public io.signalbox.consensus.Membership countedWith(int node) {
                return node(node).node.membership();
            }

            @Override
            public boolean holdsDurably(int node, long zxid) {
                return node <= nodes.size() && node(node).disk.holdsDurably(zxid);
            }
        });
        blocked = noLinkBlocked();
        List<Integer> voters = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            voters.add(id);
        }
        this.snapshotEvery = snapshotEvery;
        this.counterMax = counterMax;
        for (int id = 1; id <= count; id++) {
            startNode(id, voters);
        }
    }

    private long snapshotEvery;
    private long counterMax;

    /** Node {@code id} with an empty disk, starting with {@code voters} as its configuration. */
    private void startNode(int id, List<Integer> voters) {
        ZabConfig config = ZabConfig.defaults(id, voters).withZxidCounterMax(counterMax);
        List<NodeOptions.Member> members = new ArrayList<>();
        for (int member : voters) {
            members.add(new NodeOptions.Member(member, "n" + member + ":1", "n" + member + ":2", "n" + member + ":3"));
        }
        if (!voters.contains(id)) { // an observer: it starts as the only one of those voters
            members.add(new NodeOptions.Member(id, "n" + id + ":1", "n" + id + ":2", "n" + id + ":3"));
        }
        SimNode node = new SimNode(id, config, new NodeOptions(id, members, 50, 100, (int) snapshotEvery, 64, false, false), this, SimDisk.EpochWrites.IN_ORDER);
        nodes.add(node);
        node.start(options, 1000 + id);
    }

    private static boolean[][] noLinkBlocked() {
        return new boolean[ZabConfig.VOTERS_MAX + 1][ZabConfig.VOTERS_MAX + 1];
    }

    /**
     * {@code add-voter N}, {@code remove-voter N}, {@code add-observer N}, {@code remove-observer N}
     * or {@code promote-observer N} on the established leader. Adding the next id starts that
     * node, empty, with the configuration it joins; it syncs once the leader counts it.
     */
    private void changeMembership(io.signalbox.consensus.MembershipChange change) {
        SimNode leader = nodes.stream().filter(n -> n.up() && n.node.leadingEstablished()).findFirst().orElse(null);
        if (leader == null) {
            out.add("no established leader for " + change);
            return;
        }
        proposing = change.toString();
        io.signalbox.consensus.MembershipResult result = leader.node.proposeMembership(change, new byte[0]);
        leader.applyEffects();
        proposing = null;
        if (result instanceof io.signalbox.consensus.MembershipResult.Refused refused) {
            out.add("node " + leader.id + " " + change + ": " + refused);
        } else if ((change.kind() == io.signalbox.consensus.MembershipChange.Kind.ADD_VOTER
                || change.kind() == io.signalbox.consensus.MembershipChange.Kind.ADD_OBSERVER) && change.member() == nodes.size() + 1) {
            startNode(change.member(), ((io.signalbox.consensus.MembershipResult.Accepted) result).membership().voters());
        }
    }

    /** Each node's configuration in force. */
    private void membership() {
        for (SimNode node : nodes) {
            out.add("node " + node.id + " " + (node.up() ? node.node.view().role() + " " + node.node.membership() : "down"));
        }
    }

    private void tick(List<Integer> ids, int count) {
        for (int i = 0; i < count; i++) {
            for (int id : ids) {
                SimNode node = node(id);
                if (node.up()) {
                    node.node.tick();
                    node.applyEffects();
                }
            }
        }
    }

    /** Delivers the messages queued for the given receivers now; replies wait for the next command. */
    private void deliver(List<Integer> receivers) {
        List<InFlight> batch = take(receivers);
        for (InFlight message : batch) {
            SimNode to = node(message.to());
            if (!to.up() || blocked[message.from()][message.to()]) {
                out.add(message.from() + "->" + message.to() + " " + text(message.message()) + " (lost)");
                continue;
            }
            out.add(message.from() + "->" + message.to() + " " + text(message.message()));
            to.node.receive(message.from(), message.message());
            to.applyEffects();
        }
    }

    private void drop(List<Integer> receivers) {
        for (InFlight message : take(receivers)) {
            out.add(message.from() + "->" + message.to() + " " + text(message.message()) + " (dropped)");
        }
    }

    private List<InFlight> take(List<Integer> receivers) {
        List<InFlight> batch = new ArrayList<>();
        Iterator<InFlight> iterator = network.iterator();
        while (iterator.hasNext()) {
            InFlight message = iterator.next();
            if (receivers.contains(message.to())) {
                batch.add(message);
                iterator.remove();
            }
        }
        return batch;
    }

    /** Completes each node's disk batch in flight: the writes reach the disk and the storage reports them. */
    private void sync(List<Integer> ids) {
        for (int id : ids) {
            SimNode node = node(id);
            if (pendingSyncs.remove(id) && node.up()) {
                node.diskBatchDone();
            }
        }
    }

    /** Delivers and syncs until nothing is in flight; bounded so a livelock shows up as an error. */
    private void stabilize() {
        for (int round = 0; round < 200; round++) {
            if (network.isEmpty() && pendingSyncs.isEmpty()) {
                return;
            }
            sync(allIds());
            deliver(allIds());
        }
        throw new IllegalStateException("not stable after 200 rounds: " + network.size() + " messages in flight");
    }

    /** {@code partition 1 2 | 3}: cuts every link between the groups. */
    private void partition(String groups) {
        String[] sides = groups.split("\\|");
        blocked = noLinkBlocked();
        List<List<Integer>> parsed = new ArrayList<>();
        for (String side : sides) {
            List<Integer> ids = new ArrayList<>();
            for (String id : side.trim().split("\\s+")) {
                ids.add(Integer.parseInt(id));
            }
            parsed.add(ids);
        }
        for (List<Integer> a : parsed) {
            for (List<Integer> b : parsed) {
                if (a != b) {
                    for (int x : a) {
                        for (int y : b) {
                            blocked[x][y] = true;
                        }
                    }
                }
            }
        }
    }

    private void crash(int id) {
        pendingSyncs.remove(id);
        node(id).crash(random);
    }

    private void restart(int id) {
        node(id).start(options, 2000 + id);
    }

    /** A client without a client id asks node {@code id} to create the service {@code text}; the proposal is printed. */
    private void propose(int id, String text) {
        SimNode node = node(id);
        proposing = text;
        node.node.request(1, new Request(nextRequestId++, new CommandRequest("", 0,
                new io.signalbox.state.Command.PutService(text, "http", 10_000 + Math.floorMod(text.hashCode(), 50_000),
                        "roundrobin", null, 1_000, 1_000, 1_000, null))));
        node.applyEffects();
        proposing = null;
    }

    private void status() {
        for (SimNode node : nodes) {
            out.add(node.up() ? node.node.view().toString() : "node " + node.id + " down");
        }
    }

    private void log(int id) {
        SimNode node = node(id);
        List<String> zxids = new ArrayList<>();
        for (LogEntry entry : node.disk.log.read(0, Integer.MAX_VALUE)) {
            zxids.add(Zxid.format(entry.zxid()));
        }
        out.add("node " + id + " log on disk (compacted to " + Zxid.format(node.disk.log.compactedUpTo()) + "): "
                + (zxids.isEmpty() ? "empty" : String.join(" ", zxids)));
    }

    private List<Integer> nodeIds(String spec) {
        if (spec.equals("all")) {
            return allIds();
        }
        List<Integer> ids = new ArrayList<>();
        for (String id : spec.split(",")) {
            ids.add(Integer.parseInt(id));
        }
        return ids;
    }

    private List<Integer> allIds() {
        List<Integer> ids = new ArrayList<>();
        for (SimNode node : nodes) {
            ids.add(node.id);
        }
        return Collections.unmodifiableList(ids);
    }

    private SimNode node(int id) {
        if (id < 1 || id > nodes.size()) {
            throw new IllegalArgumentException("no node " + id + "; nodes are 1.." + nodes.size());
        }
        return nodes.get(id - 1);
    }

    // ---- SimNode.Host ----

    @Override
    public void send(int from, int to, PeerMessage message) {
        network.add(new InFlight(from, to, message));
    }

    @Override
    public void diskBatchStarted(SimNode node) {
        pendingSyncs.add(node.id);
    }

    @Override
    public void diskBatchReported(SimNode node, SimDisk.Report report) {
        out.add("node " + node.id + " durable " + report);
        node.diskReported(report);
    }

    @Override
    public void proposed(SimNode node, Txn txn, long deliveredZxid) {
        checker.onProposed(node.id, txn.zxid(), txn.payload(), deliveredZxid);
        out.add("node " + node.id + " propose " + proposing + ": Accepted[zxid=" + Zxid.format(txn.zxid()) + "]");
    }

    @Override
    public void delivered(SimNode node, Txn txn, long digestAfter) {
        checker.onDelivered(node.id, txn, digestAfter);
        out.add("node " + node.id + " delivers " + Zxid.format(txn.zxid()));
    }

    @Override
    public void stateReset(SimNode node, long snapshotZxid, long digest) {
        checker.onStateReset(node.id, snapshotZxid, digest);
    }

    @Override
    public void roleChanged(SimNode node, Effect.RoleChanged change) {
        out.add("node " + node.id + " " + change);
        if (change.role() == Role.LEADING && change.established()) {
            checker.onEstablished(node.id, change.epoch(), node.node.view(), node.node::historyCovers);
        }
    }

    /** The scenario's client is told its command committed: the leader answers once it applied the entry. */
    @Override
    public void reply(SimNode node, long connectionId, Response response, boolean streamFrame) {
        if (response.reply() instanceof CommandResult result && acknowledged.add(result.zxid())) {
            checker.onAcknowledged(result.zxid());
        } else if (response.reply() instanceof ErrorReply error) {
            out.add("node " + node.id + " answers " + error.code() + ": " + error.message());
        }
    }

    /** Peer messages as the transcripts print them: ZAB messages as themselves. */
    private static String text(PeerMessage message) {
        return message instanceof PeerMessage.Zab zab ? zab.message().toString() : message.toString();
    }

    @Override
    public void traced(SimNode node, String kind, Object detail, long fingerprint) {
        if (!kind.equals("start")) {
            out.add("node " + node.id + " " + kind + " " + detail);
        }
    }

    @Override
    public boolean crashPointHits(SimNode node) {
        return false;
    }

    @Override
    public void crashedAtCrashPoint(SimNode node) {
        throw new IllegalStateException("scenarios have no crash points");
    }
}
