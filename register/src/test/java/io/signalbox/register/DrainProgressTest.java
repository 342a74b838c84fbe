package io.signalbox.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.protocol.ProxyReport;
import io.signalbox.protocol.ProxyStatus;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When a drain may end, from the agents' reports with explicit time. */
class DrainProgressTest {
    private static final long ZXID = (2L << 32) | 41;

    private static ProxyStatus report(String agent, List<String> services, long appliedZxid, long ageMs) {
        return new ProxyStatus(new ProxyReport(agent, "haproxy", services, appliedZxid, 0, "", 0, 0, 0), 0, ageMs);
    }

    @Test
    void doneOnlyOnceEveryAgentOfTheServiceRunsTheZxid() {
        DrainProgress progress = new DrainProgress(ZXID, Set.of("web"), 10_000);
        assertFalse(progress.done(), "no status read yet: unknown, not done");
        progress.observe(List.of(report("h1", List.of(), ZXID - 1, 100), report("n1", List.of("web"), ZXID, 100),
                report("other", List.of("api"), 0, 100)), 1_000);
        assertFalse(progress.done());
        assertEquals(List.of("h1 at 2:40"), progress.behind(), "an agent of another service is not waited for");
        progress.observe(List.of(report("h1", List.of(), ZXID + 3, 50), report("n1", List.of("web"), ZXID, 50)), 1_050);
        assertTrue(progress.done());
        assertEquals(List.of("h1 2:44", "n1 2:41"), progress.applied());
    }

    @Test
    void noAgentAtAllIsDoneAtOnce() {
        DrainProgress progress = new DrainProgress(ZXID, Set.of("web"), 10_000);
        progress.observe(List.of(), 0);
        assertTrue(progress.done());
        assertEquals(List.of(), progress.applied());
    }

    @Test
    void aSilentAgentIsNotWaitedForButNamed() {
        DrainProgress progress = new DrainProgress(ZXID, Set.of("web"), 10_000);
        progress.observe(List.of(report("gone", List.of(), ZXID - 5, 60_000), report("h1", List.of(), ZXID, 10)), 100_000);
        assertTrue(progress.done());
        assertEquals(List.of("gone (silent 60 s)"), progress.silent());
    }

    @Test
    void anAgentMissingFromALaterStatusIsStillWaitedForUntilItsLastReportIsStale() {
        DrainProgress progress = new DrainProgress(ZXID, Set.of("web"), 10_000);
        progress.observe(List.of(report("h1", List.of(), ZXID - 1, 500)), 1_000);
        progress.observe(List.of(), 2_000); // a new leader that has not heard from h1 yet
        assertFalse(progress.done(), "h1 reported 1.5 s ago: still waited for");
        progress.observe(List.of(), 10_600);
        assertTrue(progress.done(), "its last report is now over 10 s old");
    }
}
