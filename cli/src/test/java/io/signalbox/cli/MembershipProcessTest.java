package io.signalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.HostPort;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.protocol.StatusResult;
import io.signalbox.state.Command;
import io.signalbox.testkit.Launch;
import io.signalbox.testkit.ProcessCluster;
import io.signalbox.testkit.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership on real processes over loopback: a 3-node cluster grows to 4 with {@code ctl member
 * add} and a node started with {@code server --join}; the new node serves what was written
 * before and after; then the leader is removed with {@code ctl member rm}, steps down, and the
 * other three elect a leader and commit; a node restarted after its log was compacted into a
 * snapshot comes back with the changed configuration, not its bootstrap members; an observer
 * joins, serves reads, forwards writes and becomes a voter with {@code ctl member promote}.
 */
class MembershipProcessTest {
    private static final Duration LIMIT = Duration.ofSeconds(40);
    private static final int BASE = 31_000;

    @TempDir
    Path directory;

    private static Command putService(String name, int port) {
        return new Command.PutService(name, "http", port, "roundrobin", null, 2_000, 30_000, 30_000, null);
    }

    private static SignalboxClient clientOf(String address) {
        return new SignalboxClient(ClientOptions.of(List.of(HostPort.parse(address))).withRetryDeadlineMs(2_000)
                .withRequestTimeoutMs(2_000));
    }

    private static boolean hasService(String address, String service) {
        try (SignalboxClient client = clientOf(address)) {
            return client.read(Consistency.LOCAL, service).configuration().services().stream().anyMatch(s -> s.name().equals(service));
        } catch (SignalboxException e) {
            return false;
        }
    }

    private static StatusResult statusOf(String address) {
        try (SignalboxClient client = clientOf(address)) {
            return client.status();
        } catch (SignalboxException e) {
            return null;
        }
    }

    /** The member at one of {@code addresses} that leads an established epoch, or 0. */
    private static int leaderAmong(String addresses) {
        for (String address : addresses.split(",")) {
            StatusResult status = statusOf(address);
            if (status != null && status.self().leadsEstablished()) {
                return status.nodeId();
            }
        }
        return 0;
    }

    private static List<Integer> voters(StatusResult status) {
        return status == null ? List.of() : status.members().stream().filter(m -> Member.VOTER.equals(m.voting())).map(Member::id).toList();
    }

    private static String ctl(String connect, String... args) {
        CliRun run = new CliRun();
        List<String> all = new ArrayList<>(List.of("ctl", "--connect", connect));
        all.addAll(List.of(args));
        int rc = run.run(all.toArray(String[]::new));
        assertEquals(0, rc, "ctl " + String.join(" ", args) + " exits 0: " + run.err + run.out);
        return run.out.toString();
    }

    @Test
    void aJoinedNodeServesTheRemovedLeaderStepsDownAndARestartKeepsTheChangedMembers() throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(3, BASE, directory.resolve("cluster"), "--set", "snapshotEveryEntries=10");
             SignalboxClient client = cluster.client()) {
            cluster.awaitLeader(LIMIT);
            client.submit(putService("before", 9001));

            String four = "127.0.0.1:" + (BASE + 104);
            String added = ctl(cluster.addresses(), "member", "add", "4", "--peer", "127.0.0.1:" + (BASE + 4), "--client", four,
                    "--admin", "127.0.0.1:" + (BASE + 204));
            assertTrue(added.startsWith("ok: committed at zxid"), added);
            Path nodeDir = Files.createDirectories(directory.resolve("node4"));
            Path conf = Files.writeString(nodeDir.resolve("signalbox.conf"), "id=4\ndataDir=" + nodeDir.resolve("data") + "\n"
                    + "snapshotEveryEntries=10\n");
            List<String> command = Launch.java(Launch.DEFAULT_HEAP);
            command.addAll(List.of(SignalboxCommand.class.getName(), "server", "--config", conf.toString(), "--join",
                    cluster.members.get(0).clientAddress()));

            // Configured for another cluster: refused before it starts, naming both.
            List<String> elsewhere = new ArrayList<>(command);
            elsewhere.addAll(List.of("--set", "clusterName=edge-us"));
            Process refused = new ProcessBuilder(elsewhere).redirectErrorStream(true)
                    .redirectOutput(nodeDir.resolve("refused.log").toFile()).start();
            assertTrue(refused.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            String why = Files.readString(nodeDir.resolve("refused.log"));
            assertEquals(2, refused.exitValue(), why);
            assertTrue(why.contains("node 4 is configured for cluster \"edge-us\", and member 1 at "
                    + cluster.members.get(0).clientAddress() + " is of cluster \"signalbox\""), why);

            Process node4 = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(nodeDir.resolve("node.log").toFile()).start();
            try {
                ProcessCluster.await("node 4 serves what was written before it joined", LIMIT, () -> hasService(four, "before"));
                client.submit(putService("after", 9002));
                ProcessCluster.await("node 4 serves what was written after", LIMIT, () -> hasService(four, "after"));
                String ls = ctl(four, "member", "ls", "--json");
                assertTrue(ls.contains("{\"id\":4,\"voting\":\"voter\",\"peer\":\"127.0.0.1:" + (BASE + 4) + "\""), ls);
                assertEquals(List.of(1, 2, 3, 4), voters(statusOf(four)));

                int leader = cluster.leader();
                ctl(cluster.addresses(), "member", "rm", String.valueOf(leader));
                String remaining = cluster.members.stream().filter(m -> m.id() != leader).map(m -> m.clientAddress())
                        .collect(Collectors.joining(",")) + "," + four;
                List<Integer> expected = new ArrayList<>(List.of(1, 2, 3, 4));
                expected.remove(Integer.valueOf(leader));
                try (SignalboxClient rest = new SignalboxClient(ClientOptions.of(remaining))) {
                    for (int i = 0; i < 15; i++) { // past snapshotEveryEntries: the configuration entry is compacted away
                        rest.submit(putService("later-" + i, 9100 + i));
                    }
                    int[] newLeader = {0};
                    ProcessCluster.await("a leader among the three left", LIMIT, () -> (newLeader[0] = leaderAmong(remaining)) != 0);
                    assertNotEquals(leader, newLeader[0]);
                    assertEquals(expected, voters(statusOf(four)), "node 4 counts the three voters left");
                    StatusResult removed = statusOf(cluster.members.get(leader - 1).clientAddress());
                    assertEquals(Member.NONE, removed.self().voting(), "the removed node knows it: " + removed.self());

                    int restarted = expected.get(0) == 4 ? expected.get(1) : expected.get(0);
                    cluster.kill9(restarted);
                    cluster.start(restarted);
                    String address = cluster.members.get(restarted - 1).clientAddress();
                    ProcessCluster.await("node " + restarted + " back with the changed members", LIMIT,
                            () -> voters(statusOf(address)).equals(expected) && hasService(address, "later-14"));
                    assertTrue(cluster.log(restarted).contains("recovered: acceptedEpoch="), cluster.log(restarted));
                    rest.submit(putService("last", 9200));
                    ProcessCluster.await("node " + restarted + " follows again", LIMIT, () -> hasService(address, "last"));
                }
            } finally {
                Processes.terminate(node4, 20);
            }
        }
    }

    @Test
    void overTlsAJoiningNodeAsksWithItsOwnCertificateOnceItsNameMayRead() throws Exception {
        int base = 31_500;
        io.signalbox.tls.DevCertificates.CreatedSet certs = io.signalbox.tls.DevCertificates.createSet(directory.resolve("certs"), 4,
                List.of("ctl"), List.of("127.0.0.1"), Duration.ofDays(1));
        try (ProcessCluster cluster = ProcessCluster.withTls(3, base, directory.resolve("cluster"), certs.dir(), "ctl",
                java.util.Map.of("tls.clientAuth", "require", "auth.admin", "ctl"));
             SignalboxClient client = cluster.client()) {
            cluster.awaitLeader(LIMIT);
            client.submit(putService("before", 9001));
            io.signalbox.tls.TlsFiles ctlFiles = certs.files("ctl");
            String[] tls = {"--ca", ctlFiles.ca().toString(), "--cert", ctlFiles.cert().toString(), "--key", ctlFiles.key().toString()};
            String four = "127.0.0.1:" + (base + 104);
            List<String> add = new ArrayList<>(List.of(tls));
            add.addAll(List.of("member", "add", "4", "--peer", "127.0.0.1:" + (base + 4), "--client", four, "--admin",
                    "127.0.0.1:" + (base + 204)));
            ctl(cluster.addresses(), add.toArray(String[]::new));

            io.signalbox.tls.TlsFiles nodeFiles = certs.files("node-4");
            Path nodeDir = Files.createDirectories(directory.resolve("node4"));
            Path conf = Files.writeString(nodeDir.resolve("signalbox.conf"), "id=4\ndataDir=" + nodeDir.resolve("data") + "\n"
                    + "tls.ca=" + nodeFiles.ca() + "\ntls.cert=" + nodeFiles.cert() + "\ntls.key=" + nodeFiles.key() + "\n"
                    + "tls.clientAuth=require\nauth.admin=ctl\n");
            List<String> command = Launch.java(Launch.DEFAULT_HEAP);
            command.addAll(List.of(SignalboxCommand.class.getName(), "server", "--config", conf.toString(), "--join",
                    cluster.members.get(0).clientAddress()));

            // Its certificate's name may not read yet: refused, naming what it lacks, and nothing starts.
            Process refused = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(nodeDir.resolve("refused.log").toFile())
                    .start();
            assertTrue(refused.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            String why = Files.readString(nodeDir.resolve("refused.log"));
            assertEquals(2, refused.exitValue(), why);
            assertTrue(why.contains("signalbox-node-4 may not read the status"), why);

            List<String> grant = new ArrayList<>(List.of(tls));
            grant.addAll(List.of("acl", "grant", "signalbox-node-4", "read"));
            ctl(cluster.addresses(), grant.toArray(String[]::new));
            Process node4 = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(nodeDir.resolve("node.log").toFile())
                    .start();
            try (SignalboxClient reader = new SignalboxClient(ClientOptions.of(List.of(HostPort.parse(four))).withRetryDeadlineMs(2_000)
                    .withRequestTimeoutMs(2_000).withTls(ctlFiles))) {
                ProcessCluster.await("node 4 serves over TLS", LIMIT, () -> {
                    try {
                        return reader.read(Consistency.LOCAL, "before").configuration().services().size() == 1;
                    } catch (SignalboxException e) {
                        return false;
                    }
                });
            } finally {
                Processes.terminate(node4, 20);
            }
        }
    }

    @Test
    void anObserverJoinsServesReadsAndForwardsWritesAndIsPromotedOnceItCaughtUp() throws Exception {
        int base = 31_700;
        try (ProcessCluster cluster = new ProcessCluster(3, base, directory.resolve("cluster"));
             SignalboxClient client = cluster.client()) {
            cluster.awaitLeader(LIMIT);
            client.submit(putService("before", 9001));
            String eight = "127.0.0.1:" + (base + 108);
            String added = ctl(cluster.addresses(), "member", "add", "8", "--observer", "--peer", "127.0.0.1:" + (base + 8), "--client",
                    eight, "--admin", "127.0.0.1:" + (base + 208));
            assertTrue(added.startsWith("ok: committed at zxid"), added);

            // Not started yet, so not synced: refused, naming the observer, and nothing changes.
            CliRun early = new CliRun();
            int rc = early.run("ctl", "--connect", cluster.addresses(), "member", "promote", "8");
            assertNotEquals(0, rc, early.out.toString());
            assertTrue(early.err.toString().contains("observer 8 is not synced with leader"), early.err.toString() + early.out);
            assertEquals(List.of(1, 2, 3), voters(statusOf(cluster.members.get(0).clientAddress())));

            Path nodeDir = Files.createDirectories(directory.resolve("node8"));
            Path conf = Files.writeString(nodeDir.resolve("signalbox.conf"), "id=8\ndataDir=" + nodeDir.resolve("data") + "\n");
            List<String> command = Launch.java(Launch.DEFAULT_HEAP);
            command.addAll(List.of(SignalboxCommand.class.getName(), "server", "--config", conf.toString(), "--join",
                    cluster.members.get(1).clientAddress()));
            Process node8 = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(nodeDir.resolve("node.log").toFile()).start();
            try {
                ProcessCluster.await("the observer serves what was written before it joined", LIMIT, () -> hasService(eight, "before"));
                try (SignalboxClient viaObserver = clientOf(eight)) {
                    viaObserver.submit(putService("through-the-observer", 9002));
                }
                ProcessCluster.await("every voter applied the write the observer forwarded", LIMIT,
                        () -> cluster.members.stream().allMatch(m -> hasService(m.clientAddress(), "through-the-observer")));
                String ls = ctl(eight, "member", "ls", "--json");
                assertTrue(ls.contains("{\"id\":8,\"voting\":\"observer\",\"peer\":\"127.0.0.1:" + (base + 8) + "\""), ls);
                assertEquals(List.of(1, 2, 3), voters(statusOf(eight)), "an observer is no voter");

                String promoted = ctl(cluster.addresses(), "member", "promote", "8");
                assertTrue(promoted.startsWith("ok: committed at zxid"), promoted);
                ProcessCluster.await("node 8 counts itself a voter", LIMIT, () -> voters(statusOf(eight)).equals(List.of(1, 2, 3, 8)));
                client.submit(putService("after", 9003));
                ProcessCluster.await("node 8 applies what four voters commit", LIMIT, () -> hasService(eight, "after"));
            } finally {
                Processes.terminate(node8, 20);
            }
        }
    }
}
