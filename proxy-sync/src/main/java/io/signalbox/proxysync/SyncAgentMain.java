package io.signalbox.proxysync;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.SignalboxClient;
import io.signalbox.client.TokenFile;
import io.signalbox.common.MainArguments;
import io.signalbox.common.StopSignals;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one sync agent until SIGTERM or Ctrl-C:
 * {@code java -cp ... io.signalbox.proxysync.SyncAgentMain [--config agent.conf] [--set key=value]...}
 * with the keys of {@link AgentConfig}. What {@code signalbox sync} runs, and what end-to-end
 * tests start as a process, without the command line. Exit codes: 0 stopped on request,
 * 1 failed, 2 bad configuration. A stop leaves a managed proxy serving its last configuration
 * (the next agent adopts it, as after kill -9), unless {@code stopProxyOnExit=true}.
 */
public final class SyncAgentMain {
    private SyncAgentMain() {}

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> values = Map.of();
        try {
            values = MainArguments.parse(args).keysAndValues();
        } catch (IllegalArgumentException e) {
            System.err.println("signalbox sync: " + e.getMessage());
            System.exit(2);
        }
        System.exit(run(values, System.err));
    }

    /** Checks the configuration, runs the agent until a stop signal; returns the exit code. */
    public static int run(Map<String, String> values, PrintStream errors) throws InterruptedException {
        String prefix = "signalbox sync " + values.getOrDefault("proxy", "") + ": ";
        AgentConfig config;
        try {
            config = AgentConfig.parse(values);
        } catch (IllegalArgumentException e) {
            errors.println(prefix + e.getMessage());
            return 2;
        }
        CountDownLatch stopRequested = StopSignals.install();
        try (SignalboxClient client = new SignalboxClient(ClientOptions.of(config.connect()).withTls(config.tls())
                .withToken(TokenFile.tokenOf(config.token())));
             AgentStateDir dir = AgentStateDir.open(config.stateDir())) {
            SyncAgent running;
            try {
                running = SyncAgent.start(client, config.driver(), dir, config.options());
            } catch (RuntimeException e) {
                config.driver().close();
                errors.println(prefix + "cannot start: " + e.getMessage());
                return 1;
            }
            try {
                stopRequested.await();
            } finally {
                running.stop(config.stopProxyOnExit());
            }
            return 0;
        } catch (IllegalStateException | UncheckedIOException e) {
            errors.println(prefix + e.getMessage());
            return 1;
        }
    }
}
