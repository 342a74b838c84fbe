package io.signalbox.server.node;

import static io.signalbox.server.Json.quote;

import io.signalbox.consensus.Zxid;
import io.signalbox.proto.client.Member;
import io.signalbox.proto.client.StatusResult;
import io.signalbox.state.Configuration;
import io.signalbox.state.EventText;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.Server;
import io.signalbox.state.Service;
import io.signalbox.state.StateEvent;
import java.util.List;
import java.util.Map;

/** The admin API's JSON, written by hand so field names and zxid formats are stable and documented. */
final class JsonViews {
    private JsonViews() {}

    static String status(StatusResult status, boolean healthy) {
        StringBuilder out = new StringBuilder("{\"node\":").append(status.getNodeId()).append(",\"healthy\":").append(healthy)
                .append(",\"members\":[");
        for (int i = 0; i < status.getMembersCount(); i++) {
            Member m = status.getMembers(i);
            out.append(i == 0 ? "" : ",").append("{\"id\":").append(m.getId())
                    .append(",\"peer\":").append(quote(m.getPeerAddress()))
                    .append(",\"client\":").append(quote(m.getClientAddress()))
                    .append(",\"admin\":").append(quote(m.getAdminAddress()))
                    .append(",\"reachable\":").append(m.getReachable());
            if (m.getId() == status.getNodeId()) {
                out.append(",\"role\":").append(quote(m.getRole())).append(",\"leader\":").append(m.getLeaderId())
                        .append(",\"established\":").append(m.getEstablished())
                        .append(",\"epoch\":").append(m.getEpoch())
                        .append(",\"lastZxid\":").append(quote(Zxid.format(m.getLastZxid())))
                        .append(",\"committedZxid\":").append(quote(Zxid.format(m.getCommittedZxid())))
                        .append(",\"appliedZxid\":").append(quote(Zxid.format(m.getAppliedZxid())))
                        .append(",\"lastZxidRaw\":").append(m.getLastZxid())
                        .append(",\"committedZxidRaw\":").append(m.getCommittedZxid());
            }
            out.append('}');
        }
        out.append("],\"proxies\":[");
        for (int i = 0; i < status.getProxiesCount(); i++) {
            io.signalbox.proto.client.ProxyStatus p = status.getProxies(i);
            io.signalbox.proto.client.ProxyReport r = p.getReport();
            out.append(i == 0 ? "" : ",").append("{\"agent\":").append(quote(r.getAgentId()))
                    .append(",\"proxy\":").append(quote(r.getProxy()))
                    .append(",\"services\":").append(quote(String.join(",", r.getServicesList())))
                    .append(",\"appliedZxid\":").append(quote(Zxid.format(r.getAppliedZxid())))
                    .append(",\"lagEntries\":").append(p.getLagEntries())
                    .append(",\"reportAgeMs\":").append(p.getReportAgeMs())
                    .append(",\"failedZxid\":").append(quote(r.getFailedZxid() == 0 ? "" : Zxid.format(r.getFailedZxid())))
                    .append(",\"failure\":").append(quote(r.getFailure()))
                    .append(",\"reloads\":").append(r.getReloads())
                    .append(",\"runtimeCommands\":").append(r.getRuntimeCommands())
                    .append(",\"repairs\":").append(r.getRepairs()).append('}');
        }
        return out.append("],\"proxiesNote\":").append(quote(status.getProxiesNote())).append('}').toString();
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
                    .append(",\"events\":[");
            for (int j = 0; j < e.events().size(); j++) {
                out.append(j == 0 ? "" : ",").append(quote(EventText.describe(e.events().get(j))));
            }
            out.append("]}");
        }
        return out.append("]}").toString();
    }
}
