package io.signalbox.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.server.LocalCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code signalbox ctl} against three real nodes in this JVM: every verb, tables, JSON and errors. */
class CtlCommandTest {
    @TempDir
    static Path directory;
    private static LocalCluster cluster;

    @BeforeAll
    static void start() {
        cluster = LocalCluster.start(3, 28_600, directory);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private CtlRun ctl(int expectedExit, String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "--connect";
        full[1] = cluster.clientAddresses();
        System.arraycopy(args, 0, full, 2, args.length);
        CtlRun run = new CtlRun(full);
        assertEquals(expectedExit, run.exit, String.join(" ", args) + "\n" + run);
        return run;
    }

    @Test
    void servicesAndServersAreManagedAndShownAsTablesAndJson() {
        assertTrue(ctl(0, "service", "put", "shop", "--port", "8088", "--balance", "leastconn").out.toString().startsWith("ok: committed at zxid "));
        ctl(0, "server", "add", "shop", "a", "--address", "10.4.0.1", "--port", "80", "--weight", "3", "--label", "zone=b");
        ctl(0, "server", "add", "shop", "b", "--address", "fd00::2", "--port", "80");
        ctl(0, "server", "set", "shop", "a", "--weight", "30");
        ctl(0, "server", "drain", "shop", "b");

        String table = ctl(0, "server", "ls", "shop").out.toString();
        assertTrue(table.contains("SERVICE") && table.contains("LEASTCONN"), table);
        assertTrue(table.matches("(?s).*a\\s+10\\.4\\.0\\.1:80\\s+30\\s+READY.*"), table);
        assertTrue(table.matches("(?s).*b\\s+fd00::2:80\\s+1\\s+DRAIN.*"), table);

        String json = ctl(0, "--json", "service", "get", "shop").out.toString();
        assertTrue(json.startsWith("{\"zxid\":") && json.contains("\"name\":\"a\"") && json.contains("\"weight\":30"), json);
        assertEquals(json.replaceAll("\"zxid\":\"[^\"]+\"", ""),
                ctl(0, "service", "get", "shop", "--json").out.toString().replaceAll("\"zxid\":\"[^\"]+\"", ""),
                "--json after the subcommand is the same option");

        ctl(0, "server", "maint", "shop", "b");
        ctl(0, "server", "ready", "shop", "b");
        ctl(0, "server", "rm", "shop", "b");
        assertTrue(!ctl(0, "--local", "service", "get", "shop").out.toString().contains("fd00::2"));
    }

    @Test
    void historyWatchConfigAtAndStatus() {
        ctl(0, "service", "put", "hist", "--port", "8089");
        String first = ctl(0, "--json", "service", "get", "hist").out.toString();
        String zxid = first.substring(first.indexOf(":\"") + 2, first.indexOf("\","));
        ctl(0, "server", "add", "hist", "h1", "--address", "10.5.0.1", "--port", "80");

        String history = ctl(0, "history", "--from", "0").out.toString();
        assertTrue(history.contains("service hist put") && history.contains("server hist/h1 registered at 10.5.0.1:80"), history);

        String watched = ctl(0, "watch", "--from", "0", "--service", "hist", "--count", "2").out.toString();
        assertEquals(2, watched.lines().count(), watched);

        String before = ctl(0, "config", "--at", zxid).out.toString();
        assertTrue(before.contains("hist") && !before.contains("h1"), "the configuration as of the service's creation:\n" + before);

        String status = ctl(0, "status").out.toString();
        assertEquals(6, status.lines().count(), status);
        assertTrue(status.endsWith("proxies: no sync agent has reported\n"), status);
        assertTrue(status.contains("LEADING") && status.contains("FOLLOWING"), status);
        assertTrue(ctl(0, "--json", "status").out.toString().contains("\"role\":\"LEADING\""));
    }

    @Test
    void errorsNameTheValueAndExitNonZero() {
        CtlRun bad = ctl(1, "server", "add", "nosuch", "x", "--address", "10.0.0.1", "--port", "80");
        assertTrue(bad.err.toString().contains("nosuch"), bad.err.toString());
        ctl(0, "service", "put", "errs", "--port", "8090");
        String name = ctl(1, "server", "add", "errs", "x", "--address", "example.com", "--port", "80").err.toString();
        assertTrue(name.contains("example.com") && name.contains("not an IP literal"), name);
        assertTrue(ctl(2, "server", "add", "errs", "x", "--port", "80").err.toString().contains("Missing required option: '--address=IP'"));
        ctl(0, "server", "add", "errs", "y", "--address", "10.6.0.1", "--port", "80");
        String weight = ctl(1, "server", "set", "errs", "y", "--weight", "300").err.toString();
        assertTrue(weight.startsWith("signalbox ctl: INVALID: ") && weight.contains("300"), weight);
        assertTrue(!ctl(0, "--json", "service", "get", "errs").out.toString().contains("\"name\":\"x\""), "nothing was added");
        String conflict = ctl(1, "service", "rm", "errs", "--cascade", "--expect-version", "9999:1").err.toString();
        assertTrue(conflict.startsWith("signalbox ctl: CONFLICT: ") && conflict.contains("expected 9999:1"), conflict);
        assertTrue(ctl(0, "service", "ls").out.toString().contains("errs"), "a refused conditional remove removes nothing");
    }

    @Test
    void aclGrantsShowAsTableAndJsonAndRevokesNameWhatIsHeld(@TempDir Path tokens) {
        assertTrue(ctl(0, "acl", "grant", "ops", "operate", "--service", "web*").out.toString().startsWith("ok: committed at zxid "));
        ctl(0, "acl", "grant", "agent", "read");
        String table = ctl(0, "acl", "ls").out.toString();
        assertTrue(table.matches("(?s)access table at zxid \\S+\nIDENTITY\\s+ROLE\\s+SERVICES\n.*agent\\s+read\\s+\\*\n.*ops\\s+operate\\s+web\\*\n.*"),
                table);
        String json = ctl(0, "--json", "acl", "ls").out.toString();
        assertTrue(json.contains("{\"identity\":\"ops\",\"role\":\"operate\",\"services\":\"web*\"}"), json);
        String history = ctl(0, "history", "--from", "0").out.toString();
        assertTrue(history.contains("ops granted operate on web* by anonymous"), "who changed what:\n" + history);
        assertTrue(ctl(0, "--json", "history", "--from", "0").out.toString().contains("\"identity\":\"anonymous\""));

        String notHeld = ctl(1, "acl", "revoke", "ops", "operate", "--service", "api").err.toString();
        assertEquals("signalbox ctl: INVALID: acl.role: ops does not hold operate on api; it holds operate on web*\n", notHeld);
        assertTrue(ctl(1, "acl", "grant", "ops", "root").err.toString().contains("\"root\" is not a role: use one of read, report, operate, admin"));
        ctl(0, "acl", "revoke", "ops", "operate", "--service", "web*");
        assertTrue(!ctl(0, "acl", "ls").out.toString().contains("ops"));

        Path tokenFile = tokens.resolve("deploy.token");
        String made = ctl(0, "acl", "token", "deploy", "--out", tokenFile.toString()).out.toString();
        assertTrue(made.matches("token written to .*\nauth\\.token\\.deploy=sha256:[0-9a-f]{64}\n"), made);
    }
}
