package io.signalbox.chaos;

import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.MemberChangeRequest;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.protocol.StatusResult;
import io.signalbox.server.NodeConfig;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The {@code membership} nemesis: replaces a node with a wiped one through the log. It removes
 * the node ({@code member rm}, the leader every other time), waits for the change to commit,
 * kills it and removes its data directory; the heal adds it back ({@code member add}, same id
 * and addresses) and starts it empty, to sync as a new member; every other time it comes back as
 * an observer and is promoted ({@code member promote}, refused and retried while it lags). Needs 5 nodes: a 3-node
 * cluster cannot lose a voter (at least 3 remain). The changes go through the harness's own
 * client, an admin (insecure nodes, or {@code auth.admin} with TLS).
 */
final class ChaosMembership {
    private static final long CHANGE_DEADLINE_MS = 20_000;

    private final ChaosNetwork network;
    private final ChaosHistory history;
    private final Random random;
    private final int nodes;
    private int replaced;
    private int healed;
    /** The node removed and not yet added back, or 0. */
    private int out;

    ChaosMembership(ChaosNetwork network, ChaosHistory history, Random random, int nodes) {
        if (nodes < 5) {
            throw new IllegalArgumentException("nemesis membership needs --nodes 5: a 3-node cluster cannot lose a voter (at least 3 "
                    + "remain)");
        }
        this.network = network;
        this.history = history;
        this.random = random;
        this.nodes = nodes;
    }

    /** Removes one node from the configuration, then kills and wipes it; returns the heal, which adds it back. */
    Runnable apply(int leader) throws Exception {
        int node = leader != 0 && replaced++ % 2 == 0 ? leader : 1 + random.nextInt(nodes);
        change(MemberChangeRequest.remove(node));
        out = node;
        network.wipe(node);
        history.nemesis("membership: node " + node + (node == leader ? " (the leader)" : "") + " removed, killed and wiped");
        return () -> {
            try {
                heal();
            } catch (Exception e) {
                throw new IllegalStateException("membership heal: " + e.getMessage(), e);
            }
        };
    }

    /** Adds the removed node back and starts it empty; a no-op when none is out. */
    void heal() throws Exception {
        if (out == 0) {
            return;
        }
        int node = out;
        NodeConfig.Member m = network.members().get(node - 1);
        boolean asObserver = healed++ % 2 == 1;
        change(asObserver ? MemberChangeRequest.addObserver(node, m.peerAddress(), m.clientAddress(), m.adminAddress())
                : MemberChangeRequest.add(node, m.peerAddress(), m.clientAddress(), m.adminAddress()));
        network.startNode(node);
        if (asObserver) {
            change(MemberChangeRequest.promote(node));
        }
        out = 0;
        history.nemesis("membership: node " + node + " added back" + (asObserver ? " as an observer, started empty, promoted once it "
                + "caught up" : ", started empty"));
    }

    /** Retries until the change committed (a leader may be changing hands); fails after the deadline. */
    private void change(MemberChangeRequest change) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CHANGE_DEADLINE_MS);
        SignalboxException last = null;
        try (SignalboxClient client = new SignalboxClient(network.clientOptions())) {
            while (System.nanoTime() < deadline) {
                try {
                    client.changeMembers(change);
                    return;
                } catch (SignalboxException e) {
                    last = e;
                    if (done(client, change)) {
                        return; // it applied, and an answer was lost with a leader that stepped down
                    }
                    Thread.sleep(200);
                }
            }
        }
        throw new IllegalStateException(change + " did not commit within " + CHANGE_DEADLINE_MS + " ms: " + last.getMessage());
    }

    private static boolean done(SignalboxClient client, MemberChangeRequest change) {
        try {
            StatusResult status = client.status();
            Member member = status.member(change.id());
            String voting = member == null ? Member.NONE : member.voting();
            String wanted = switch (change.change()) {
                case MemberChangeRequest.ADD, MemberChangeRequest.PROMOTE -> Member.VOTER;
                case MemberChangeRequest.ADD_OBSERVER -> Member.OBSERVER;
                default -> Member.NONE;
            };
            return status.configurationCommitted() && voting.equals(wanted);
        } catch (SignalboxException e) {
            return false;
        }
    }
}
