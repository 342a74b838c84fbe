package io.signalbox.testkit;

import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.Consistency;
import io.signalbox.state.Command;
import io.signalbox.state.HealthCheck;
import java.util.Map;

/** The demo's sample configuration: services web and api, three and two servers. */
public final class DemoSample {
    private DemoSample() {}

    /** Submits the sample unless the cluster already has a service web (a kept --dir). */
    public static void loadIfEmpty(SignalboxClient client) {
        if (!client.read(Consistency.LINEARIZABLE, "web").configuration().services().isEmpty()) {
            return;
        }
        HealthCheck http = new HealthCheck("/health", 2000, 2, 3);
        client.submit(new Command.PutService("web", "http", 8080, "roundrobin", http, 5000, 30000, 30000, null));
        client.submit(new Command.PutService("api", "http", 8081, "leastconn", http, 5000, 30000, 30000, null));
        for (int i = 1; i <= 3; i++) {
            client.submit(new Command.RegisterServer("web", "web-" + i, "10.0.1." + i, 8000, 10, "ready", false,
                    Map.of("zone", i % 2 == 0 ? "b" : "a"), 0, null));
        }
        for (int i = 1; i <= 2; i++) {
            client.submit(new Command.RegisterServer("api", "api-" + i, "10.0.2." + i, 9000, 10, "ready", false, Map.of(), 0, null));
        }
    }
}
