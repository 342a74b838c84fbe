package io.signalbox.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.common.Zxid;
import io.signalbox.protocol.ProxyReport;
import io.signalbox.protocol.ProxyStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyReportsTest {
    private static ProxyReport report(String agent, long applied) {
        return new ProxyReport(agent, "haproxy", List.of(), applied, 0, "", 0, 0, 0);
    }

    @Test
    void theLatestReportOfEachAgentWithItsLagInEntries() {
        ProxyReports reports = new ProxyReports(1);
        assertTrue(reports.record(report("a", Zxid.of(2, 5)), 1_000));
        assertTrue(reports.record(report("a", Zxid.of(2, 8)), 2_000));
        assertTrue(reports.record(report("b", Zxid.of(1, 90)), 2_000));
        List<ProxyStatus> statuses = reports.statuses(Zxid.of(2, 10), 2_500);
        assertEquals(2, statuses.size());
        assertEquals(Zxid.of(2, 8), statuses.get(0).report().appliedZxid());
        assertEquals(2, statuses.get(0).lagEntries());
        assertEquals(500, statuses.get(0).reportAgeMs());
        assertEquals(10, statuses.get(1).lagEntries(), "across epochs: at least the current epoch's entries");
    }

    @Test
    void silentAgentsAreForgottenAndTheTableIsBounded() {
        ProxyReports reports = new ProxyReports(1);
        reports.record(report("old", 1), 0);
        assertEquals(0, reports.statuses(1, ProxyReports.FORGET_AFTER_MS + 1).size());
        for (int i = 0; i < ProxyReports.AGENTS_MAX; i++) {
            assertTrue(reports.record(report("agent-" + i, 1), 10));
        }
        assertFalse(reports.record(report("one-too-many", 1), 10));
        assertTrue(reports.record(report("agent-7", 2), 10), "a known agent may always report again");
    }

    @Test
    void badReportsAreRefusedNamingTheField() {
        assertNull(ProxyReports.problem(report("haproxy@host:/var/lib/agent", 1)));
        assertTrue(ProxyReports.problem(report("", 1)).startsWith("agent_id"));
        assertTrue(ProxyReports.problem(report("with space", 1)).contains("agent_id \"with space\""));
        assertTrue(ProxyReports.problem(report("new\nline", 1)).contains("\\u000a"));
        assertTrue(ProxyReports.problem(new ProxyReport("a", "envoy", List.of(), 1, 0, "", 0, 0, 0)).startsWith("proxy \"envoy\""));
        assertTrue(ProxyReports.problem(new ProxyReport("a", "haproxy", List.of(), 1, 1, "x".repeat(3_000), 0, 0, 0)).startsWith("failure"));
    }
}
