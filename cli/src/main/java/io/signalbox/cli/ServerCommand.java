package io.signalbox.cli;

import io.signalbox.server.ServerMain;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code signalbox server --config FILE}: runs one node until SIGTERM or Ctrl-C, then stops it gracefully. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Runs one Signalbox node. Values come from --config (properties: id, member.N=host:peerPort:clientPort:adminPort, "
                + "dataDir, tickMs, ...); flags override the file. SIGTERM stops it gracefully and it exits 0.")
public final class ServerCommand implements Callable<Integer> {
    /** The id, cluster name and TLS files, from the flags or else the file: what --join needs before the members are known. */
    private static Map<String, String> joinKeys(String join, int joiningId, Map<String, String> values) {
        String tlsCa = values.get("tls.ca");
        io.signalbox.tls.TlsFiles tls = tlsCa == null ? null
                : new io.signalbox.tls.TlsFiles(Path.of(tlsCa), Path.of(values.get("tls.cert")), Path.of(values.get("tls.key")));
        return ClusterJoin.memberKeys(join, joiningId,
                values.getOrDefault("clusterName", io.signalbox.server.NodeConfig.CLUSTER_NAME_DEFAULT), tls);
    }

    @Option(names = "--config", description = "signalbox.conf (Java properties)")
    Path config;

    @Option(names = "--id", description = "this node's id (overrides id=)")
    Integer id;

    @Option(names = "--data-dir", description = "data directory (overrides dataDir=)")
    Path dataDir;

    @Option(names = "--member", description = "N=host:peerPort:clientPort:adminPort (overrides member.N=); repeatable")
    Map<String, String> members = new LinkedHashMap<>();

    @Option(names = "--set", description = "key=value for any other configuration key; repeatable")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--join", paramLabel = "HOST:PORT", description = "a node added with `ctl member add`: take the members from "
            + "the member at this client address (list no member.N then); on later starts the data directory has them")
    String join;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> overrides = new LinkedHashMap<>(settings);
        if (id != null) {
            overrides.put("id", String.valueOf(id));
        }
        if (dataDir != null) {
            overrides.put("dataDir", dataDir.toString());
        }
        members.forEach((n, value) -> overrides.put("member." + n, value));
        if (join != null) {
            try {
                Map<String, String> values = io.signalbox.server.NodeConfig.values(config, overrides);
                String joiningId = values.get("id");
                if (joiningId == null) {
                    throw new IllegalArgumentException("the joining node needs its id (--id or id=)");
                }
                overrides.putAll(joinKeys(join, Integer.parseInt(joiningId), values));
            } catch (RuntimeException e) {
                System.err.println("signalbox server: --join " + join + ": " + e.getMessage());
                return 2;
            }
        }
        return ServerMain.run(config, overrides, System.err);
    }
}
