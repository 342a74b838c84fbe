package io.signalbox.cli;

import io.signalbox.register.RegisterMain;
import io.signalbox.tls.TlsOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code signalbox register ...}: the health-checking sidecar ({@code register/}) until SIGTERM, which drains and deregisters. */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = "Keeps a backend registered as an ephemeral server while its local check passes (rise passes in a row); after "
                + "fall failures it is drained (or removed), and it comes back when the check recovers. SIGTERM drains it, waits until "
                + "every proxy reporting to the cluster applied the drain (or --drain-timeout-ms), deregisters it and exits 0. "
                + "Several backends: --config FILE with registration.<label>.<key> lines (docs/registration.md).")
final class RegisterCommand implements Callable<Integer> {
    @Option(names = "--connect", description = "client addresses of the cluster's nodes (default: the demo's)") String connect;
    @Option(names = "--config", description = "a file of keys (docs/registration.md); flags add to it") Path config;
    @Option(names = "--service", description = "the service the backend serves") String service;
    @Option(names = "--name", description = "the server's name in the service") String name;
    @Option(names = "--address", description = "the backend's IP address, as proxies reach it (an IP literal)") String address;
    @Option(names = "--port", description = "the backend's port") Integer port;
    @Option(names = "--weight", description = "0..256 (default: 1)") Integer weight;
    @Option(names = "--backup", description = "a backup server") boolean backup;
    @Option(names = "--label", description = "k=v; repeatable") Map<String, String> labels = new LinkedHashMap<>();
    @Option(names = "--check", description = "tcp (default) or http://IP[:PORT]/PATH on loopback or the backend's address") String check;
    @Option(names = "--check-cmd", description = "a command run by /bin/sh -c; exit 0 passes") String checkCmd;
    @Option(names = "--interval-ms", description = "between checks (default: 1000)") Long intervalMs;
    @Option(names = "--timeout-ms", description = "a check's time limit (default: the interval, at most 2000)") Long timeoutMs;
    @Option(names = "--rise", description = "passes in a row to register (default: 2)") Integer rise;
    @Option(names = "--fall", description = "failures in a row to drain or remove (default: 3)") Integer fall;
    @Option(names = "--on-failure", description = "drain (default) or remove") String onFailure;
    @Option(names = "--session-timeout-ms", description = "the session's timeout (default: 10000)") Integer sessionTimeoutMs;
    @Option(names = "--drain-timeout-ms", description = "on SIGTERM, wait at most this for the proxies (default: 30000)") Long drainTimeoutMs;
    @Option(names = "--status-address", description = "IP:PORT of /health, /metrics, /status (default: none)") String statusAddress;
    @picocli.CommandLine.Mixin TlsOptions tls;
    @Option(names = "--token-file", defaultValue = "${env:SIGNALBOX_TOKEN_FILE}", description = "a bearer token (ctl acl token NAME --out "
            + "FILE): the sidecar acts as NAME instead of its certificate's CN (env SIGNALBOX_TOKEN_FILE)") java.nio.file.Path tokenFile;
    @Option(names = "--set", description = "key=value for any key of the file; repeatable") Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> values = new LinkedHashMap<>();
        try {
            values.putAll(config == null ? Map.of() : RegisterMain.readFile(config));
        } catch (IllegalArgumentException e) {
            System.err.println("signalbox register: " + e.getMessage());
            return 2;
        }
        put(values, "connect", connect);
        put(values, "sessionTimeoutMs", sessionTimeoutMs);
        put(values, "drainTimeoutMs", drainTimeoutMs);
        put(values, "statusAddress", statusAddress);
        if (service != null || name != null || address != null || port != null) {
            if (name == null) {
                System.err.println("signalbox register: --name is required with --service, --address and --port");
                return 2;
            }
            String prefix = "registration." + name + ".";
            put(values, prefix + "service", service);
            put(values, prefix + "address", address);
            put(values, prefix + "port", port);
            put(values, prefix + "weight", weight);
            put(values, prefix + "backup", backup ? "true" : null);
            put(values, prefix + "labels", labels.isEmpty() ? null : String.join(",", labels.entrySet().stream()
                    .map(l -> l.getKey() + "=" + l.getValue()).toList()));
            put(values, prefix + "check", check);
            put(values, prefix + "checkCmd", checkCmd);
            put(values, prefix + "intervalMs", intervalMs);
            put(values, prefix + "timeoutMs", timeoutMs);
            put(values, prefix + "rise", rise);
            put(values, prefix + "fall", fall);
            put(values, prefix + "onFailure", onFailure);
        }
        values.putAll(tls.values());
        put(values, "tokenFile", tokenFile);
        values.putAll(settings);
        return RegisterMain.run(values, System.err);
    }

    private static void put(Map<String, String> values, String key, Object value) {
        if (value != null) {
            values.put(key, value.toString());
        }
    }
}
