package io.signalbox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.HostPort;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.server.LocalCluster;
import io.signalbox.server.NodeConfig;
import io.signalbox.state.Command;
import io.signalbox.state.Configuration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client whose node goes away: its session and its event stream move to another node by themselves. */
class FailoverTest {
    @TempDir
    Path directory;

    @Test
    void aSessionAndASubscriptionSurviveTheLossOfTheirNode() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, 27_700, directory)) {
            List<HostPort> firstNodeFirst = new ArrayList<>();
            for (NodeConfig.Member m : cluster.members()) {
                firstNodeFirst.add(new HostPort(m.host(), m.clientPort()));
            }
            try (SignalboxClient client = new SignalboxClient(ClientOptions.of(firstNodeFirst));
                 SignalboxClient writer = SignalboxClient.connect(cluster.clientAddresses())) {
                writer.submit(new Command.PutService("web", "http", 8080, "roundrobin", null, 1000, 1000, 1000, null));
                ClientSession session = client.openSession(2_000);
                client.submit(new Command.RegisterServer("web", "eph", "10.0.0.9", 80, 1, "ready", false, Map.of(), session.id(), null));
                long start = client.read(Consistency.LINEARIZABLE, "").zxid();
                List<Long> seen = new CopyOnWriteArrayList<>();
                Subscription subscription = client.subscribe(start, List.of(), new Subscription.Listener() {
                    @Override
                    public void onSnapshot(long zxid, Configuration configuration) {
                        throw new AssertionError("the stream started inside retained history; no snapshot expected");
                    }

                    @Override
                    public void onEntry(StreamEntry entry) {
                        seen.add(entry.zxid());
                    }
                });
                List<Long> written = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    written.add(writer.submit(new Command.RegisterServer("web", "s" + i, "10.0.1." + (i + 1), 80, 1, "ready", false,
                            Map.of(), 0, null)).zxid());
                }

                cluster.stopNode(1); // the node the client (and its stream) is connected to
                for (int i = 5; i < 10; i++) {
                    written.add(writer.submit(new Command.RegisterServer("web", "s" + i, "10.0.1." + (i + 1), 80, 1, "ready", false,
                            Map.of(), 0, null)).zxid());
                }
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (!seen.containsAll(written) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(seen.containsAll(written), "every entry reached the subscriber: " + seen + " vs " + written);
                assertEquals(seen.stream().sorted().distinct().toList(), seen, "in zxid order, without repeats");

                Thread.sleep(3 * session.timeoutMs()); // well past the timeout: keep-alives went to another node
                assertTrue(!session.expired());
                Configuration web = writer.read(Consistency.LINEARIZABLE, "web").configuration();
                assertTrue(web.servers().get("web").stream().anyMatch(s -> s.name().equals("eph")), "the ephemeral server is still there");
                subscription.close();
                session.close();
                ProcessWait.until(() -> writer.read(Consistency.LINEARIZABLE, "web").configuration().servers().get("web").stream()
                        .noneMatch(s -> s.name().equals("eph")), "closing the session removes its server");
            }
        }
    }

    /** Polls a condition for up to 10 s. */
    static final class ProcessWait {
        static void until(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not within 10 s: " + what);
                }
                Thread.sleep(50);
            }
        }
    }
}
