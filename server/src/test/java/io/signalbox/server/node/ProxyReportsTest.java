package io.signalbox.server.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.consensus.Zxid;
import io.signalbox.proto.client.ProxyReport;
import io.signalbox.proto.client.ProxyStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyReportsTest {
    private static ProxyReport report(String agent, long applied) {
        return ProxyReport.newBuilder().setAgentId(agent).setProxy("haproxy").setAppliedZxid(applied).build();
    }

    @Test
    void theLatestReportOfEachAgentWithItsLagInEntries() {
        ProxyReports reports = new ProxyReports(1);
        assertTrue(reports.record(report("a", Zxid.of(2, 5)), 1_000));
        assertTrue(reports.record(report("a", Zxid.of(2, 8)), 2_000));
        assertTrue(reports.record(report("b", Zxid.of(1, 90)), 2_000));
        List<ProxyStatus> statuses = reports.statuses(Zxid.of(2, 10), 2_500);
        assertEquals(2, statuses.size());
        assertEquals(Zxid.of(2, 8), statuses.get(0).getReport().getAppliedZxid());
        assertEquals(2, statuses.get(0).getLagEntries());
        assertEquals(500, statuses.get(0).getReportAgeMs());
        assertEquals(10, statuses.get(1).getLagEntries(), "across epochs: at least the current epoch's entries");
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
        assertTrue(ProxyReports.problem(report("a", 1).toBuilder().setProxy("envoy").build()).startsWith("proxy \"envoy\""));
        assertTrue(ProxyReports.problem(report("a", 1).toBuilder().setFailure("x".repeat(3_000)).build()).startsWith("failure"));
    }
}
