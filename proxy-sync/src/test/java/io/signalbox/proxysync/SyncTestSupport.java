package io.signalbox.proxysync;

import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.ProxyStatus;
import io.signalbox.state.Command;
import io.signalbox.testkit.HttpBackends;
import io.signalbox.testkit.ProcessCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Commands, waits and report lookups shared by the end-to-end sync agent tests. */
final class SyncTestSupport {
    static final Duration LIMIT = Duration.ofSeconds(30);

    private SyncTestSupport() {}

    static Command.PutService service(String name, int port, String balance) {
        return new Command.PutService(name, "http", port, balance, null, 2_000, 30_000, 30_000, null);
    }

    static Command.RegisterServer server(String service, String name, int port, int weight, long session) {
        return new Command.RegisterServer(service, name, "127.0.0.1", port, weight, "ready", false, Map.of(), session, null);
    }

    static Command.SetState state(String service, String name, String state) {
        return new Command.SetState(service, name, state, null);
    }

    static void awaitServed(int port, String expected) throws InterruptedException {
        ProcessCluster.await(expected + " served on :" + port, LIMIT, () -> expected.equals(HttpBackends.get(port)));
    }

    /** Only these backends answer, over {@code count} requests. */
    static void awaitOnly(int port, int count, String... names) throws InterruptedException {
        List<String> expected = List.of(names);
        ProcessCluster.await("only " + expected + " answer on :" + port, LIMIT,
                () -> HttpBackends.spread(port, count).keySet().equals(new TreeSet<>(expected)));
    }

    /** The agent's latest report; throws when the cluster has none. */
    static io.signalbox.protocol.ProxyReport latestReport(SignalboxClient client, String agentId) {
        return report(client, agentId).orElseThrow().report();
    }

    static Optional<ProxyStatus> report(SignalboxClient client, String agentId) {
        return client.status().proxies().stream().filter(p -> p.report().agentId().equals(agentId)).findFirst();
    }

    /** Waits until the agent reports the cluster's latest zxid without a failure. */
    static void awaitReported(SignalboxClient client, String agentId) throws InterruptedException {
        long committed = client.read(Consistency.LINEARIZABLE, "").zxid();
        ProcessCluster.await(agentId + " reports zxid " + Long.toHexString(committed), LIMIT,
                () -> report(client, agentId).map(p -> p.report().appliedZxid() >= committed && p.report().failure().isEmpty())
                        .orElse(false));
    }
}
