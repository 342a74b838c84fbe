package io.signalbox.register;

import io.signalbox.common.Zxid;
import io.signalbox.protocol.ProxyReport;
import io.signalbox.protocol.ProxyStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Has every proxy that serves these services applied the drain? Fed with the sync agents'
 * reports as the leader keeps them (the cluster's status), with explicit time. A proxy serves
 * the services when its agent syncs all services or one of them. An agent whose last report is
 * older than {@code staleReportMs} is taken for gone (a stopped agent's report lingers on the
 * leader for minutes) and not waited for. An agent seen once and missing from a later status
 * (a new leader that has not heard from it yet) is still waited for, its report ageing from
 * when it was last seen. Pure: no clock, no network.
 */
final class DrainProgress {
    private record Seen(ProxyReport report, long reportedAtMs) {}

    private final long zxid;
    private final Set<String> services;
    private final long staleReportMs;
    private final Map<String, Seen> agents = new TreeMap<>();
    private boolean observed;
    private long lastObservedMs;

    DrainProgress(long zxid, Set<String> services, long staleReportMs) {
        this.zxid = zxid;
        this.services = Set.copyOf(services);
        this.staleReportMs = staleReportMs;
    }

    long zxid() {
        return zxid;
    }

    /** The proxies' reports as one status answer had them at {@code nowMs}. */
    void observe(Collection<ProxyStatus> proxies, long nowMs) {
        observed = true;
        lastObservedMs = nowMs;
        for (ProxyStatus status : proxies) {
            ProxyReport report = status.report();
            if (report.services().isEmpty() || report.services().stream().anyMatch(services::contains)) {
                agents.put(report.agentId(), new Seen(report, nowMs - status.reportAgeMs()));
            }
        }
    }

    /** True once a status was seen and every live agent of these services runs at or after the zxid. */
    boolean done() {
        return observed && behind().isEmpty();
    }

    /** The agents still waited for, as "agent-id at 2:40". */
    List<String> behind() {
        List<String> behind = new ArrayList<>();
        agents.forEach((id, seen) -> {
            if (seen.report().appliedZxid() < zxid && !stale(seen)) {
                behind.add(id + " at " + Zxid.format(seen.report().appliedZxid()));
            }
        });
        return behind;
    }

    /** The agents that applied it, as "agent-id 2:41". */
    List<String> applied() {
        List<String> applied = new ArrayList<>();
        agents.forEach((id, seen) -> {
            if (seen.report().appliedZxid() >= zxid) {
                applied.add(id + " " + Zxid.format(seen.report().appliedZxid()));
            }
        });
        return applied;
    }

    /** The agents not waited for because they have been silent too long. */
    List<String> silent() {
        List<String> silent = new ArrayList<>();
        agents.forEach((id, seen) -> {
            if (seen.report().appliedZxid() < zxid && stale(seen)) {
                silent.add(id + " (silent " + (lastObservedMs - seen.reportedAtMs()) / 1000 + " s)");
            }
        });
        return silent;
    }

    private boolean stale(Seen seen) {
        return lastObservedMs - seen.reportedAtMs() > staleReportMs;
    }
}
