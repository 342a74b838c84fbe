package io.signalbox.chaos;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.common.Zxid;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.simulation.history.Op;
import io.signalbox.state.ServerKey;
import io.signalbox.state.StateEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The harness's checks on hand-made histories: each must pass what is right and fail what is wrong, saying where. */
class ChaosChecksTest {
    private static ChaosSaved.Logged entry(long counter, int weight) {
        return ChaosSaved.Logged.of(new StreamEntry(Zxid.of(1, counter),
                List.of(new StateEvent.ServerWeightSet(new ServerKey("chaos", "k1"), weight))));
    }

    private static ChaosHistory.Entry write(long id, long version) {
        return new ChaosHistory.Entry(new Op(id, 1, "k1", Op.Kind.WRITE, Op.Outcome.OK, id, 0, version, id * 10, id * 10 + 5), "");
    }

    private final List<ChaosSaved.Logged> log = List.of(entry(1, 10), entry(2, 20), entry(3, 30), entry(4, 40));

    @Test
    void aStreamIsJudgedAgainstTheLogEntryForEntry() {
        assertTrue(ChaosChecks.streamIsAPrefixOfTheLog(log, log, 0).passed());
        assertTrue(ChaosChecks.streamIsAPrefixOfTheLog(log.subList(2, 4), log, Zxid.of(1, 2)).passed(), "after a snapshot");

        ChaosChecks.Verdict gap = ChaosChecks.streamIsAPrefixOfTheLog(List.of(log.get(0), log.get(2)), log, 0);
        assertFalse(gap.passed());
        assertTrue(gap.detail().contains("position 1"), gap.detail());
        assertFalse(ChaosChecks.streamIsAPrefixOfTheLog(List.of(log.get(0), log.get(0)), log, 0).passed(), "a repeat");
        assertFalse(ChaosChecks.streamIsAPrefixOfTheLog(log.subList(1, 4), log, 0).passed(), "a late start without a snapshot");
        ChaosChecks.Verdict otherEvents = ChaosChecks.streamIsAPrefixOfTheLog(List.of(entry(1, 11)), log, 0);
        assertFalse(otherEvents.passed());
        assertTrue(otherEvents.detail().contains("with other events"), otherEvents.detail());
    }

    @Test
    void anAcknowledgedWriteMissingFromTheFinalLogFails() {
        assertTrue(ChaosChecks.noAcknowledgedWriteLost(List.of(write(1, Zxid.of(1, 2)), write(2, Zxid.of(1, 4))), log).passed());
        ChaosChecks.Verdict lost = ChaosChecks.noAcknowledgedWriteLost(List.of(write(1, Zxid.of(1, 2)), write(2, Zxid.of(2, 1))), log);
        assertFalse(lost.passed());
        assertTrue(lost.detail().contains(Long.toHexString(Zxid.of(2, 1))), lost.detail());
    }

    @Test
    void digestsMustBeEqualOnEveryNode() {
        assertTrue(ChaosChecks.digestsEqual(Map.of(1, 7L, 2, 7L, 3, 7L)).passed());
        assertFalse(ChaosChecks.digestsEqual(Map.of(1, 7L, 2, 7L, 3, 8L)).passed());
        assertFalse(ChaosChecks.digestsEqual(Map.of()).passed(), "no node answered");
    }

    @Test
    void aNodeWhoseDiskFailedMustHaveStoppedAndSaidWhy() {
        List<String> events = List.of("disk-error on node 1: fsyncs fail with EIO", "heal disk-error: node 1 1 operations failed, stopped");
        String started = "node 1 started: peers 10.77.7.1:7001\n";
        assertTrue(ChaosChecks.diskFailuresStopTheNode(events, Map.of(1, started
                + "node 1 storage failure writing up to zxid 2:8 (durable up to 2:7): ... Input/output error; it stops serving")).passed());
        assertTrue(ChaosChecks.diskFailuresStopTheNode(events, Map.of(1, started
                + "signalbox server: cannot start node 1: cannot open RocksDB in /d: While fdatasync: /d/8.sst: Input/output error")).passed(),
                "the fault met the node while it was starting");
        assertFalse(ChaosChecks.diskFailuresStopTheNode(events, Map.of(1, started)).passed(), "stopped without saying why");
        assertFalse(ChaosChecks.diskFailuresStopTheNode(List.of("heal disk-full: node 1 0 operations failed, stopped; node 2 3 operations "
                + "failed, STILL RUNNING"), Map.of(1, started, 2, "node 2 storage failure")).passed(), "node 2 went on");
        assertTrue(ChaosChecks.diskFailuresStopTheNode(List.of("heal disk-full: node 1 0 operations failed, STILL RUNNING"), Map.of()).passed(),
                "nothing failed on node 1, so it may run on");
    }

    @Test
    void badOptionsAreRefusedNamingTheValue() {
        IllegalArgumentException nodes = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ChaosOptions(4, 45, List.of("kill"), 1, 8, 8, false, false, false));
        assertTrue(nodes.getMessage().contains("got 4"), nodes.getMessage());
        IllegalArgumentException nemesis = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ChaosOptions(3, 45, List.of("flood"), 1, 8, 8, false, false, false));
        assertTrue(nemesis.getMessage().contains("\"flood\""), nemesis.getMessage());
        IllegalArgumentException unsafe = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ChaosOptions(3, 45, List.of("kill"), 1, 8, 8, false, true, false));
        assertTrue(unsafe.getMessage().contains("needs powerloss in --nemesis (got kill)"), unsafe.getMessage());
        IllegalArgumentException membership = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ChaosOptions(3, 45, List.of("membership"), 1, 8, 8, false, false, false));
        assertTrue(membership.getMessage().contains("membership needs --nodes 5 (got 3)"), membership.getMessage());
        IllegalArgumentException time = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ChaosRun.parseSeconds("soon"));
        assertTrue(time.getMessage().contains("\"soon\""), time.getMessage());
    }
}
