package io.signalbox.server.node;

import static io.signalbox.common.Json.quote;

import io.signalbox.common.Zxid;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.ProxyReport;
import io.signalbox.protocol.ProxyStatus;
import io.signalbox.protocol.StatusResult;
import io.signalbox.state.Configuration;
import io.signalbox.state.EventText;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.Server;
import io.signalbox.state.Service;
import java.util.List;
import java.util.Map;

/** The admin API's JSON, written by hand so field names and zxid formats are stable and documented. */
final class JsonViews {
    private JsonViews() {}

    static String status(StatusResult status, boolean healthy) {
        StringBuilder out = new StringBuilder("{\"node\":").append(status.nodeId()).append(",\"healthy\":").append(healthy)
                .append(",\"configurationZxid\":").append(quote(Zxid.format(status.configurationZxid())))
                .append(",\"configurationCommitted\":").append(status.configurationCommitted())
                .append(",\"members\":[");
        for (int i = 0; i < status.members().size(); i++) {
            Member m = status.members().get(i);
            out.append(i == 0 ? "" : ",").append("{\"id\":").append(m.id())
                    .append(",\"voting\":").append(quote(m.voting()))
                    .append(",\"peer\":").append(quote(m.peerAddress()))
                    .append(",\"client\":").append(quote(m.clientAddress()))
                    .append(",\"admin\":").append(quote(m.adminAddress()))
                    .append(",\"reachable\":").append(m.reachable());
            if (m.id() == status.nodeId()) {
                out.append(",\"role\":").append(quote(m.role())).append(",\"leader\":").append(m.leaderId())
                        .append(",\"established\":").append(m.established())
                        .append(",\"epoch\":").append(m.epoch())
                        .append(",\"lastZxid\":").append(quote(Zxid.format(m.lastZxid())))
                        .append(",\"committedZxid\":").append(quote(Zxid.format(m.committedZxid())))
                        .append(",\"appliedZxid\":").append(quote(Zxid.format(m.appliedZxid())))
                        .append(",\"lastZxidRaw\":").append(m.lastZxid())
                        .append(",\"committedZxidRaw\":").append(m.committedZxid());
            }
            out.append('}');
        }
        out.append("],\"proxies\":[");
        for (int i = 0; i < status.proxies().size(); i++) {
            ProxyStatus p = status.proxies().get(i);
            ProxyReport r = p.report();
            out.append(i == 0 ? "" : ",").append("{\"agent\":").append(quote(r.agentId()))
                    .append(",\"proxy\":").append(quote(r.proxy()))
                    .append(",\"services\":").append(quote(String.join(",", r.services())))
                    .append(",\"appliedZxid\":").append(quote(Zxid.format(r.appliedZxid())))
                    .append(",\"lagEntries\":").append(p.lagEntries())
                    .append(",\"reportAgeMs\":").append(p.reportAgeMs())
                    .append(",\"failedZxid\":").append(quote(r.failedZxid() == 0 ? "" : Zxid.format(r.failedZxid())))
                    .append(",\"failure\":").append(quote(r.failure()))
                    .append(",\"reloads\":").append(r.reloads())
                    .append(",\"runtimeCommands\":").append(r.runtimeCommands())
                    .append(",\"repairs\":").append(r.repairs()).append('}');
        }
        return out.append("],\"proxiesNote\":").append(quote(status.proxiesNote())).append('}').toString();
    }

    /** Agents' lag series in {@code /metrics/history}: the first heard from in the window. */
    static final int PROXY_SERIES_MAX = 32;

    /**
     * {@code /metrics/history}: one array per series, aligned with {@code atMs}; null where a
     * value is missing (the first sample, a second without commits, an agent not reporting).
     */
    static String history(int nodeId, long intervalMs, int samplesMax, List<MetricsHistory.Sample> samples) {
        StringBuilder out = new StringBuilder("{\"node\":").append(nodeId).append(",\"intervalMs\":").append(intervalMs)
                .append(",\"samplesMax\":").append(samplesMax)
                .append(",\"proxiesKnown\":").append(!samples.isEmpty() && samples.get(samples.size() - 1).proxiesKnown());
        series(out, "atMs", samples, s -> (double) s.atMs());
        series(out, "commitsPerSecond", samples, MetricsHistory.Sample::commitsPerSecond);
        series(out, "commitLatencyP99Ms", samples, MetricsHistory.Sample::commitP99Ms);
        Map<String, String> agents = new java.util.LinkedHashMap<>();
        for (MetricsHistory.Sample s : samples) {
            for (MetricsHistory.ProxyLag p : s.proxies()) {
                if (agents.size() < PROXY_SERIES_MAX) {
                    agents.putIfAbsent(p.agent(), p.proxy());
                }
            }
        }
        out.append(",\"proxies\":[");
        int k = 0;
        for (Map.Entry<String, String> agent : agents.entrySet()) {
            out.append(k++ == 0 ? "" : ",").append("{\"agent\":").append(quote(agent.getKey()))
                    .append(",\"proxy\":").append(quote(agent.getValue()));
            series(out, "lagEntries", samples, s -> s.proxies().stream().filter(p -> p.agent().equals(agent.getKey()))
                    .mapToDouble(MetricsHistory.ProxyLag::lagEntries).findFirst().orElse(Double.NaN));
            out.append('}');
        }
        return out.append("]}").toString();
    }

    private static void series(StringBuilder out, String name, List<MetricsHistory.Sample> samples,
                               java.util.function.ToDoubleFunction<MetricsHistory.Sample> value) {
        out.append(",\"").append(name).append("\":[");
        for (int i = 0; i < samples.size(); i++) {
            double v = value.applyAsDouble(samples.get(i));
            out.append(i == 0 ? "" : ",");
            if (Double.isNaN(v)) {
                out.append("null");
            } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                out.append((long) v);
            } else {
                out.append(String.format(java.util.Locale.ROOT, "%.3f", v));
            }
        }
        out.append(']');
    }

    static String configuration(Configuration c) {
        StringBuilder out = new StringBuilder("{\"zxid\":").append(quote(Zxid.format(c.zxid()))).append(",\"digest\":")
                .append(quote(Long.toHexString(c.digest()))).append(",\"services\":[");
        for (int i = 0; i < c.services().size(); i++) {
            Service s = c.services().get(i);
            out.append(i == 0 ? "" : ",").append("{\"name\":").append(quote(s.name())).append(",\"mode\":").append(quote(s.mode().name()))
                    .append(",\"listenPort\":").append(s.listenPort()).append(",\"balance\":").append(quote(s.balance().name()))
                    .append(",\"version\":").append(quote(Zxid.format(s.version()))).append(",\"servers\":[");
            List<Server> servers = c.servers().getOrDefault(s.name(), List.of());
            for (int j = 0; j < servers.size(); j++) {
                out.append(j == 0 ? "" : ",").append(server(servers.get(j)));
            }
            out.append("]}");
        }
        out.append("],\"sessions\":").append(c.sessions().size()).append('}');
        return out.toString();
    }

    static String server(Server s) {
        StringBuilder out = new StringBuilder("{\"name\":").append(quote(s.name())).append(",\"address\":").append(quote(s.address().toString()))
                .append(",\"port\":").append(s.port()).append(",\"weight\":").append(s.weight())
                .append(",\"state\":").append(quote(s.state().name())).append(",\"backup\":").append(s.backup())
                .append(",\"session\":").append(s.sessionId()).append(",\"version\":").append(quote(Zxid.format(s.version())))
                .append(",\"labels\":{");
        int k = 0;
        for (Map.Entry<String, String> label : s.labels().entrySet()) {
            out.append(k++ == 0 ? "" : ",").append(quote(label.getKey())).append(':').append(quote(label.getValue()));
        }
        return out.append("}}").toString();
    }

    static String events(List<LbStateMachine.Entry> entries) {
        StringBuilder out = new StringBuilder("{\"entries\":[");
        for (int i = 0; i < entries.size(); i++) {
            LbStateMachine.Entry e = entries.get(i);
            out.append(i == 0 ? "" : ",").append("{\"zxid\":").append(quote(Zxid.format(e.zxid()))).append(",\"zxidRaw\":").append(e.zxid())
                    .append(",\"identity\":").append(quote(e.identity())).append(",\"events\":[");
            for (int j = 0; j < e.events().size(); j++) {
                out.append(j == 0 ? "" : ",").append(quote(EventText.describe(e.events().get(j))));
            }
            out.append("]}");
        }
        return out.append("]}").toString();
    }
}
