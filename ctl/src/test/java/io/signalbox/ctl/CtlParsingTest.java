package io.signalbox.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * How {@code ctl} reads its arguments, without a cluster: every invocation the README and
 * docs/ show parses to a verb, the shared options work before and after the subcommand, and
 * bad usage is refused (exit 2) naming the value before anything is sent.
 */
class CtlParsingTest {
    /** A documented command line in a code block: {@code ./signalbox ctl ...} up to a comment. */
    private static final Pattern DOCUMENTED = Pattern.compile("^(?:\\$ )?\\./signalbox ctl (.+?)(?:\\s+#.*)?$");
    /** How picocli's usage errors begin. */
    private static final Pattern USAGE_ERROR = Pattern.compile("Invalid value|Missing required|Unknown option|Unmatched argument");

    private static CtlVerb parse(String line) {
        CtlCommand ctl = new CtlCommand();
        ParseResult result = new CommandLine(ctl).parseArgs(line.trim().split("\\s+"));
        while (result.subcommand() != null) {
            result = result.subcommand();
        }
        assertTrue(result.unmatched().isEmpty(), line + ": unmatched " + result.unmatched());
        CtlVerb verb = assertInstanceOf(CtlVerb.class, result.commandSpec().userObject(), line);
        verb.connection = ctl.connection;
        return verb;
    }

    /**
     * Every {@code ./signalbox ctl ...} line in a code block of the README and docs/ parses to a
     * verb, except a synopsis ({@code [--json]}, {@code ...}); one shown with its output ({@code $ }
     * before it) whose output is a usage error must be refused with exactly that message.
     */
    @Test
    void everyInvocationInTheReadmeAndDocsParsesToAVerb() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        int parsed = 0;
        int refused = 0;
        for (Path page : pages) {
            boolean inCode = false;
            List<String> lines = Files.readAllLines(page);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (line.startsWith("```")) {
                    inCode = !inCode;
                    continue;
                }
                Matcher m = DOCUMENTED.matcher(line);
                if (!inCode || !m.matches() || m.group(1).contains("[") || m.group(1).contains("...")) {
                    continue;
                }
                String shownOutput = line.startsWith("$ ") && i + 1 < lines.size() ? lines.get(i + 1) : "";
                if (USAGE_ERROR.matcher(shownOutput).lookingAt()) {
                    String args = m.group(1);
                    CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                            () -> new CommandLine(new CtlCommand()).parseArgs(args.split("\\s+")), page + ": " + line);
                    assertEquals(shownOutput, e.getMessage(), page + ": the error shown for " + line);
                    refused++;
                } else {
                    parse(m.group(1));
                    parsed++;
                }
            }
        }
        assertTrue(parsed >= 10 && refused >= 1, "the docs show ctl in code blocks: " + parsed + " parsed, " + refused + " refused");
    }

    @Test
    void theVerbsGetTheirArgumentsAndOptions() {
        ServerCommands.Set set = assertInstanceOf(ServerCommands.Set.class, parse("server set web web-2 --weight 30"));
        assertEquals(List.of("web", "web-2", 30), List.of(set.service, set.name, set.weight));
        assertInstanceOf(ServerCommands.Drain.class, parse("server drain web web-3"));

        ServerCommands.Add add = assertInstanceOf(ServerCommands.Add.class,
                parse("server add web w9 --address fd00::9 --port 81 --label zone=b --label rack=4 --state MAINT --backup"));
        assertEquals(List.of("fd00::9", 81, 1, "maint", true), List.of(add.address, add.port, add.weight, add.state, add.backup));
        assertEquals(Map.of("zone", "b", "rack", "4"), add.labels);
        assertNull(add.expectVersion);

        ServiceCommands.Put put = assertInstanceOf(ServiceCommands.Put.class,
                parse("service put db --port 5432 --mode tcp --balance leastconn --expect-version 2:7"));
        assertEquals(List.of("tcp", "leastconn", 5000), List.of(put.mode, put.balance, put.timeoutsMs));
        assertEquals((2L << 32) | 7, put.expectVersion);

        assertEquals(40L, assertInstanceOf(ReadCommands.History.class, parse("history --from 40 --limit 5")).from);
        ReadCommands.Watch watch = assertInstanceOf(ReadCommands.Watch.class, parse("watch --service web --service db --count 2"));
        assertEquals(List.of("web", "db"), watch.services);
        assertEquals(0L, watch.from);
        assertEquals((1L << 32) | 3, assertInstanceOf(ReadCommands.Config.class, parse("config --at 1:3")).at);
        assertNull(assertInstanceOf(ServerCommands.Ls.class, parse("server ls")).service);
    }

    @Test
    void theSharedOptionsWorkBeforeAndAfterTheSubcommand() {
        for (String line : List.of("--connect 10.9.0.1:7100,10.9.0.2:7100 --json --local --timeout-ms 500 server ls web",
                "server ls web --connect 10.9.0.1:7100,10.9.0.2:7100 --json --local --timeout-ms 500",
                "server --json ls --local web --connect 10.9.0.1:7100,10.9.0.2:7100 --timeout-ms 500")) {
            ConnectionOptions options = parse(line).connection;
            assertEquals("10.9.0.1:7100,10.9.0.2:7100", options.connect.toString(), line);
            assertTrue(options.json && options.local, line);
            assertEquals(500, options.timeoutMs, line);
        }
        ConnectionOptions defaults = parse("status").connection;
        assertTrue(!defaults.json && !defaults.local && defaults.timeoutMs == 15_000);
    }

    @Test
    void badUsageExitsTwoNamingTheValueAndWhatIsAllowed() {
        expectUsageError("'heavy'", "server", "set", "web", "web-2", "--weight", "heavy");
        expectUsageError("'udp' is not one of http, tcp", "service", "put", "web", "--port", "80", "--mode", "udp");
        expectUsageError("'fastest' is not one of roundrobin, leastconn, random, first, source", "service", "put", "web", "--port", "80",
                "--balance", "fastest");
        expectUsageError("'up' is not one of ready, drain, maint", "server", "add", "web", "w", "--address", "10.0.0.1", "--port", "80",
                "--state", "up");
        expectUsageError("'yesterday' is not a zxid", "history", "--from", "yesterday");
        expectUsageError("--limit 0: must be in 1..10000", "history", "--limit", "0");
        expectUsageError("--count 0: must be at least 1", "watch", "--count", "0");
        expectUsageError("address \"nohost\" is not host:port", "--connect", "nohost", "status");
        expectUsageError("--timeout-ms must be > 0, got 0", "--timeout-ms", "0", "status");
        expectUsageError("Missing required option: '--address=IP'", "server", "add", "web", "w", "--port", "80");
        expectUsageError("Missing required parameter: 'NAME'", "server", "drain", "web");
        expectUsageError("Unknown options: '--weight', '5'", "server", "drain", "web", "web-3", "--weight", "5");
        expectUsageError("Unmatched argument at index 0: 'frobnicate'", "frobnicate");
        expectUsageError("Missing subcommand: one of add, set, drain, maint, ready, rm, ls", "server");
        expectUsageError("Missing subcommand: one of service, server, config, history, watch, status");
        expectUsageError("--health-path /h and --no-health-check: choose one", "service", "put", "web", "--port", "80",
                "--health-path", "/h", "--no-health-check");
    }

    private static void expectUsageError(String message, String... args) {
        CtlRun run = new CtlRun(args);
        assertEquals(2, run.exit, String.join(" ", args) + "\n" + run);
        assertTrue(run.err.toString().contains(message), String.join(" ", args) + ": expected \"" + message + "\"\n" + run);
        assertTrue(run.err.toString().contains("Usage: ctl") || run.err.toString().contains("Did you mean: ctl "),
                "picocli's usage or suggestion follows the message\n" + run);
        assertEquals("", run.out.toString(), "nothing was done\n" + run);
    }
}
