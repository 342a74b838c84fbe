package io.signalbox.proxysync;

import io.signalbox.state.Configuration;
import io.signalbox.state.Server;
import io.signalbox.state.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How a sync agent runs.
 *
 * @param agentId how the cluster knows this agent: 1..128 printable characters
 * @param services the services it syncs; empty: all
 * @param debounceMs a pass waits until no event arrived for this long...
 * @param maxDelayMs ...but never longer than this after the first event of a burst
 * @param driftCheckMs how often a pass compares with what the proxy itself reports
 * @param reportEveryMs how often the agent repeats its report when nothing changes
 * @param viewSaveEveryMs how often, at most, the view is written to the state directory
 */
public record SyncOptions(String agentId, List<String> services, long debounceMs, long maxDelayMs, long driftCheckMs,
                          long reportEveryMs, long viewSaveEveryMs) {
    public SyncOptions {
        services = List.copyOf(services);
        if (agentId.isEmpty() || agentId.length() > 128 || !agentId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("agent id \"" + agentId + "\" must be 1..128 printable characters without spaces");
        }
        for (String service : services) {
            SafeValues.name("services", service); // a RenderException is an IllegalArgumentException
        }
        check("debounceMs", debounceMs, 0, 60_000);
        check("maxDelayMs", maxDelayMs, Math.max(debounceMs, 1), 600_000);
        check("driftCheckMs", driftCheckMs, 100, 86_400_000);
        check("reportEveryMs", reportEveryMs, 100, 600_000);
        check("viewSaveEveryMs", viewSaveEveryMs, 0, 600_000);
    }

    /** No debounce (runtime commands are cheap), drift checks every 10 s, reports every 2 s. */
    public static SyncOptions defaults(String agentId) {
        return new SyncOptions(agentId, List.of(), 0, 1_000, 10_000, 2_000, 1_000);
    }

    public SyncOptions withServices(List<String> newServices) {
        return new SyncOptions(agentId, newServices, debounceMs, maxDelayMs, driftCheckMs, reportEveryMs, viewSaveEveryMs);
    }

    public SyncOptions withDebounce(long newDebounceMs, long newMaxDelayMs) {
        return new SyncOptions(agentId, services, newDebounceMs, newMaxDelayMs, driftCheckMs, reportEveryMs, viewSaveEveryMs);
    }

    public SyncOptions withDriftCheckMs(long newDriftCheckMs) {
        return new SyncOptions(agentId, services, debounceMs, maxDelayMs, newDriftCheckMs, reportEveryMs, viewSaveEveryMs);
    }

    public SyncOptions withReportEveryMs(long newReportEveryMs) {
        return new SyncOptions(agentId, services, debounceMs, maxDelayMs, driftCheckMs, newReportEveryMs, viewSaveEveryMs);
    }

    /** The part of {@code all} this agent syncs. */
    public Configuration scope(Configuration all) {
        if (services.isEmpty()) {
            return all;
        }
        Set<String> wanted = Set.copyOf(services);
        List<Service> kept = new ArrayList<>();
        Map<String, List<Server>> servers = new TreeMap<>();
        for (Service service : all.services()) {
            if (wanted.contains(service.name())) {
                kept.add(service);
                servers.put(service.name(), all.servers().getOrDefault(service.name(), List.of()));
            }
        }
        return new Configuration(all.zxid(), kept, servers, all.sessions(), all.digest());
    }

    private static void check(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " " + value + " must be within " + min + ".." + max);
        }
    }
}
