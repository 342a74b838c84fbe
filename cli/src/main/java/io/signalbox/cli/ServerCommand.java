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
        return ServerMain.run(config, overrides, System.err);
    }
}
