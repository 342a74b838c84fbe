package io.signalbox.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * {@code --connect} defaults from the environment's SIGNALBOX_CONNECT, as etcdctl's from
 * ETCDCTL_ENDPOINTS: checked in a child JVM, since a process cannot change its own environment.
 */
class EnvironmentDefaultTest {
    /** The child: parses its arguments as ctl would and prints the addresses it would connect to, or runs ctl. */
    public static void main(String[] args) {
        if (args[0].equals("--run")) {
            System.exit(new CommandLine(new CtlCommand()).execute(List.of(args).subList(1, args.length).toArray(String[]::new)));
        }
        CtlCommand ctl = new CtlCommand();
        ParseResult result = new CommandLine(ctl).parseArgs(args);
        System.out.println("connect=" + ctl.connection.connect + " leaf=" + result.subcommand().commandSpec().name());
    }

    private record Child(int exit, String out, String err) {}

    private static Child child(String environmentValue, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), EnvironmentDefaultTest.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove(ConnectionOptions.CONNECT_ENVIRONMENT);
        if (environmentValue != null) {
            builder.environment().put(ConnectionOptions.CONNECT_ENVIRONMENT, environmentValue);
        }
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child JVM did not finish in 60 s: " + command);
        }
        return new Child(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void connectComesFromTheEnvironmentThenTheDemosAddressesAndTheFlagWins() throws Exception {
        assertEquals("connect=10.1.1.1:7100,10.1.1.2:7100 leaf=status\n", child("10.1.1.1:7100,10.1.1.2:7100", "status").out());
        assertEquals("connect=" + ConnectionOptions.DEMO_ADDRESSES + " leaf=status\n", child(null, "status").out());
        assertEquals("connect=10.3.0.1:7100 leaf=server\n", child("10.1.1.1:7100", "--connect", "10.3.0.1:7100", "server", "ls").out());
    }

    @Test
    void helpShowsTheValueInForceAndABadValueIsAUsageErrorNamingIt() throws Exception {
        Child help = child("10.1.1.1:7100", "--run", "server", "ls", "--help");
        assertEquals(0, help.exit(), help.err());
        assertTrue(help.out().replaceAll("\\s+", " ").contains("Default: the environment's SIGNALBOX_CONNECT, else the demo's; now "
                + "10.1.1.1:7100."), help.out());
        Child bad = child("nohost", "--run", "status");
        assertEquals(2, bad.exit(), bad.out() + bad.err());
        assertTrue(bad.err().contains("Invalid value for option '--connect': address \"nohost\" is not host:port"), bad.err());
    }
}
