package io.signalbox.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.common.Zxid;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.simulation.history.Op;
import io.signalbox.state.ServerKey;
import io.signalbox.state.StateEvent;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chaos check} on saved runs (fixtures in src/test/resources/saved-runs: small histories
 * with their final log, digests and node logs): the one that must pass passes, and each of the
 * others fails exactly the check it was made to fail. And a run saved by the harness's own
 * writers reads back as written.
 */
class ChaosSavedTest {
    @TempDir
    Path directory;

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(ChaosSavedTest.class.getResource("/saved-runs/" + name), name).toURI());
    }

    private static List<String> failed(String fixture) throws Exception {
        return ChaosCheck.run(fixture(fixture)).stream().filter(line -> line.startsWith("FAIL "))
                .map(line -> line.substring(5, line.indexOf(':'))).toList();
    }

    @Test
    void aSavedRunThatIsRightPassesEveryCheck() throws Exception {
        List<String> report = ChaosCheck.run(fixture("passes"));
        assertEquals(8, report.size(), report.toString());
        assertTrue(report.get(0).contains("5 operations, 4 nemesis events, a final log of 3 entries, 3 node logs"), report.get(0));
        assertEquals(List.of(), failed("passes"), report.toString());
    }

    @Test
    void aSavedTlsRunPassesEveryCheckAndSaysEveryStartHadTls() throws Exception {
        List<String> report = ChaosCheck.run(fixture("passes-tls"));
        assertEquals(9, report.size(), report.toString());
        assertEquals("PASS tls: all 3 starts of 3 nodes had TLS on every port with client certificates required, none insecure=true",
                report.get(8));
        assertEquals(List.of(), failed("passes-tls"), report.toString());
    }

    @Test
    void eachBrokenSavedRunFailsTheCheckMadeForIt() throws Exception {
        assertEquals(List.of("linearizability"), failed("stale-read"), "a read of 2 after the cas to 3 was acknowledged");
        assertEquals(List.of("acknowledged writes"), failed("lost-write"), "the cas acknowledged at 1:3 is missing from the final log");
        assertEquals(List.of("disk failures"), failed("disk-failure-ignored"), "node 2's fsync failed and it went on");
        assertEquals(List.of("replica digests"), failed("diverged"));
        assertEquals(List.of("tls"), failed("tls-plaintext-start"), "a --tls run whose node 2 restarted plaintext");
    }

    @Test
    void whatTheHarnessSavesReadsBackAsWritten() throws Exception {
        Op write = new Op(1, 3, "k0", Op.Kind.WRITE, Op.Outcome.OK, 2, 0, Zxid.of(1, 2), 10, 20);
        Op unknown = new Op(2, 4, "k1", Op.Kind.CAS, Op.Outcome.INFO, 3, 2, 0, 30, Long.MAX_VALUE);
        try (ChaosHistory history = new ChaosHistory(directory.resolve(ChaosSaved.HISTORY))) {
            history.record(write, "");
            history.nemesis("partition \"halves\" [1] | [2, 3]");
            history.record(unknown, "");
        }
        StreamEntry entry = new StreamEntry(Zxid.of(1, 2), List.of(new StateEvent.ServerWeightSet(new ServerKey("chaos", "k0"), 7)));
        ChaosSaved.saveFinal(directory, List.of(entry), List.of(entry), 0, Map.of(1, -5L, 2, -5L),
                new ChaosChecks.Verdict("sessions", true, "none <opened>"), true);

        ChaosSaved saved = ChaosSaved.load(directory);

        assertEquals(List.of(new ChaosHistory.Entry(write, ""), new ChaosHistory.Entry(unknown, "")), saved.operations());
        assertEquals(List.of("partition \"halves\" [1] | [2, 3]"), saved.nemesisEvents());
        assertEquals(Map.of("k0", 1L, "k1", 1L), saved.initialValues());
        assertEquals(List.of(ChaosSaved.Logged.of(entry)), saved.log());
        assertEquals(saved.log(), saved.stream());
        assertEquals(Map.of(1, -5L, 2, -5L), saved.digests());
        assertEquals("none <opened>", saved.sessions().detail());
        assertTrue(saved.tls(), "a --tls run reads back as one");
    }

    @Test
    void aLineThatDoesNotParseIsRefusedNamingTheFileAndLine() throws Exception {
        Files.writeString(directory.resolve(ChaosSaved.HISTORY), "{\"nemesis\":\"kill node 1\",\"atNs\":5}\n{\"id\":1,\"process\":\n");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> ChaosSaved.load(directory));
        assertTrue(bad.getMessage().contains("history.jsonl line 2"), bad.getMessage());
        Files.delete(directory.resolve(ChaosSaved.HISTORY));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> ChaosCheck.run(directory));
        assertTrue(missing.getMessage().contains("history.jsonl, which does not exist"), missing.getMessage());
    }
}
