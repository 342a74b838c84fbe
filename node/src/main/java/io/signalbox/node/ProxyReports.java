package io.signalbox.node;

import io.signalbox.common.Zxid;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.ProxyReport;
import io.signalbox.protocol.ProxyStatus;
import io.signalbox.protocol.ReportAccepted;
import io.signalbox.protocol.Response;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest report of each sync agent, kept by the leader in memory (loop thread only).
 * Agents repeat their reports every few seconds, so nothing here needs to survive a leader
 * change. Bounded: agents silent for {@link #FORGET_AFTER_MS} are forgotten, and at most
 * {@link #AGENTS_MAX} are kept.
 */
final class ProxyReports {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyReports.class);
    static final int AGENTS_MAX = 4_096;
    static final long FORGET_AFTER_MS = 10 * 60_000;
    static final int AGENT_ID_CHARS_MAX = 128;
    static final int FAILURE_CHARS_MAX = 2_048;
    static final int SERVICES_MAX = 1_000;

    private record Received(ProxyReport report, long atMs) {}

    private final int nodeId;
    private final Map<String, Received> byAgent = new TreeMap<>();

    ProxyReports(int nodeId) {
        this.nodeId = nodeId;
    }

    /** A sync agent's report: kept by the leader (forwarded there by followers), refused naming the field when bad. */
    void answer(long requestId, ProxyReport report, Responder responder, long nowMs, long appliedZxid) {
        String problem = problem(report);
        if (problem != null) {
            responder.respond(Response.error(requestId, ErrorCode.INVALID, "report refused: " + problem));
        } else if (!record(report, nowMs)) {
            responder.respond(Response.error(requestId, ErrorCode.BUSY, AGENTS_MAX + " agents already report to this leader"));
        } else {
            responder.respond(new Response(requestId, new ReportAccepted(appliedZxid)));
        }
    }

    /**
     * Checks a report; returns null when it is acceptable, else what is wrong with which field.
     * Nothing is recorded for a report that fails.
     */
    static String problem(ProxyReport report) {
        String id = report.agentId();
        if (id.isEmpty() || id.length() > AGENT_ID_CHARS_MAX || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return "agent_id \"" + printable(id) + "\" must be 1.." + AGENT_ID_CHARS_MAX + " printable ASCII characters without spaces";
        }
        if (!report.proxy().equals("haproxy") && !report.proxy().equals("nginx")) {
            return "proxy \"" + printable(report.proxy()) + "\" must be haproxy or nginx";
        }
        if (report.failure().length() > FAILURE_CHARS_MAX) {
            return "failure has " + report.failure().length() + " characters; at most " + FAILURE_CHARS_MAX;
        }
        if (report.services().size() > SERVICES_MAX) {
            return "services lists " + report.services().size() + " names; at most " + SERVICES_MAX;
        }
        return null;
    }

    /** Records a checked report; false when the table is full of agents heard from recently. */
    boolean record(ProxyReport report, long nowMs) {
        forgetSilent(nowMs);
        Received previous = byAgent.get(report.agentId());
        if (previous == null && byAgent.size() >= AGENTS_MAX) {
            return false;
        }
        byAgent.put(report.agentId(), new Received(report, nowMs));
        boolean failedNow = report.failedZxid() != 0;
        boolean failedBefore = previous != null && previous.report().failedZxid() != 0;
        if (previous == null) {
            LOG.info("node {}: {} agent {} reports applied zxid {}", nodeId, report.proxy(), report.agentId(),
                    Zxid.format(report.appliedZxid()));
        }
        if (failedNow && (!failedBefore || previous.report().failedZxid() != report.failedZxid())) {
            LOG.warn("node {}: {} agent {} failed to apply zxid {} (still runs {}): {}", nodeId, report.proxy(),
                    report.agentId(), Zxid.format(report.failedZxid()), Zxid.format(report.appliedZxid()), report.failure());
        } else if (!failedNow && failedBefore) {
            LOG.info("node {}: {} agent {} recovered at zxid {}", nodeId, report.proxy(), report.agentId(),
                    Zxid.format(report.appliedZxid()));
        }
        return true;
    }

    /** Every known agent, with its lag behind {@code committedZxid} in log entries. */
    List<ProxyStatus> statuses(long committedZxid, long nowMs) {
        forgetSilent(nowMs);
        List<ProxyStatus> statuses = new ArrayList<>(byAgent.size());
        for (Received received : byAgent.values()) {
            statuses.add(new ProxyStatus(received.report(), lagEntries(received.report().appliedZxid(), committedZxid),
                    Math.max(0, nowMs - received.atMs())));
        }
        return statuses;
    }

    /**
     * Entries committed after {@code applied}: exact within one epoch (counters are consecutive);
     * across epochs, at least the entries of the current epoch.
     */
    static long lagEntries(long applied, long committed) {
        if (applied >= committed) {
            return 0;
        }
        return Zxid.epoch(applied) == Zxid.epoch(committed) ? Zxid.counter(committed) - Zxid.counter(applied)
                : Zxid.counter(committed);
    }

    private void forgetSilent(long nowMs) {
        Iterator<Received> it = byAgent.values().iterator();
        while (it.hasNext()) {
            Received received = it.next();
            if (nowMs - received.atMs() > FORGET_AFTER_MS) {
                LOG.info("node {}: forgetting {} agent {}: no report for {} s", nodeId, received.report().proxy(),
                        received.report().agentId(), (nowMs - received.atMs()) / 1000);
                it.remove();
            }
        }
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(AGENT_ID_CHARS_MAX + 8).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
