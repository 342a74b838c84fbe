package io.signalbox.register;

import io.signalbox.common.MainArguments;
import io.signalbox.common.StopSignals;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the sidecar until SIGTERM or Ctrl-C, then stops it gracefully (drain, wait for the
 * proxies, deregister):
 * {@code java -cp ... io.signalbox.register.RegisterMain [--config register.conf] [--set key=value]...}
 * with the keys of {@link RegisterConfig}. What {@code signalbox register} and the
 * {@code signalbox-register@.service} unit run. Exit codes: 0 stopped and deregistered, 1 the
 * session could not be closed (its servers leave when it expires) or the sidecar could not
 * start, 2 bad configuration.
 */
public final class RegisterMain {
    private RegisterMain() {}

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> values = Map.of();
        try {
            values = MainArguments.parse(args).keysAndValues();
        } catch (IllegalArgumentException e) {
            System.err.println("signalbox register: " + e.getMessage());
            System.exit(2);
        }
        System.exit(run(values, System.err));
    }

    /** Checks the configuration, runs the sidecar until a stop signal; returns the exit code. */
    public static int run(Map<String, String> values, PrintStream errors) throws InterruptedException {
        RegisterConfig config;
        try {
            config = RegisterConfig.parse(values);
        } catch (IllegalArgumentException e) {
            errors.println("signalbox register: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopRequested = StopSignals.install();
        Sidecar sidecar;
        try {
            sidecar = Sidecar.start(config);
        } catch (IOException e) {
            errors.println("signalbox register: " + e.getMessage());
            return 1;
        }
        stopRequested.await();
        return sidecar.stop().clean() ? 0 : 1;
    }

    /** A properties file, values stripped. */
    public static Map<String, String> readFile(Path file) {
        return new MainArguments(file, Map.of()).keysAndValues();
    }
}
