package io.signalbox.server.node;

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
                    .append(",\"peer\":").append(str(m.getPeerAddress()))
                    .append(",\"client\":").append(str(m.getClientAddress()))
                    .append(",\"admin\":").append(str(m.getAdminAddress()))
                    .append(",\"reachable\":").append(m.getReachable());
            if (m.getId() == status.getNodeId()) {
                out.append(",\"role\":").append(str(m.getRole())).append(",\"leader\":").append(m.getLeaderId())
                        .append(",\"established\":").append(m.getEstablished())
                        .append(",\"epoch\":").append(m.getEpoch())
                        .append(",\"lastZxid\":").append(str(Zxid.format(m.getLastZxid())))
                        .append(",\"committedZxid\":").append(str(Zxid.format(m.getCommittedZxid())))
                        .append(",\"appliedZxid\":").append(str(Zxid.format(m.getAppliedZxid())))
                        .append(",\"lastZxidRaw\":").append(m.getLastZxid())
                        .append(",\"committedZxidRaw\":").append(m.getCommittedZxid());
            }
            out.append('}');
        }
        return out.append("]}").toString();
    }

    static String configuration(Configuration c) {
        StringBuilder out = new StringBuilder("{\"zxid\":").append(str(Zxid.format(c.zxid()))).append(",\"digest\":")
                .append(str(Long.toHexString(c.digest()))).append(",\"services\":[");
        for (int i = 0; i < c.services().size(); i++) {
            Service s = c.services().get(i);
            out.append(i == 0 ? "" : ",").append("{\"name\":").append(str(s.name())).append(",\"mode\":").append(str(s.mode().name()))
                    .append(",\"listenPort\":").append(s.listenPort()).append(",\"balance\":").append(str(s.balance().name()))
                    .append(",\"version\":").append(str(Zxid.format(s.version()))).append(",\"servers\":[");
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
        StringBuilder out = new StringBuilder("{\"name\":").append(str(s.name())).append(",\"address\":").append(str(s.address().toString()))
                .append(",\"port\":").append(s.port()).append(",\"weight\":").append(s.weight())
                .append(",\"state\":").append(str(s.state().name())).append(",\"backup\":").append(s.backup())
                .append(",\"session\":").append(s.sessionId()).append(",\"version\":").append(str(Zxid.format(s.version())))
                .append(",\"labels\":{");
        int k = 0;
        for (Map.Entry<String, String> label : s.labels().entrySet()) {
            out.append(k++ == 0 ? "" : ",").append(str(label.getKey())).append(':').append(str(label.getValue()));
        }
        return out.append("}}").toString();
    }

    static String events(List<LbStateMachine.Entry> entries) {
        StringBuilder out = new StringBuilder("{\"entries\":[");
        for (int i = 0; i < entries.size(); i++) {
            LbStateMachine.Entry e = entries.get(i);
            out.append(i == 0 ? "" : ",").append("{\"zxid\":").append(str(Zxid.format(e.zxid()))).append(",\"zxidRaw\":").append(e.zxid())
                    .append(",\"events\":[");
            for (int j = 0; j < e.events().size(); j++) {
                out.append(j == 0 ? "" : ",").append(str(EventText.describe(e.events().get(j))));
            }
            out.append("]}");
        }
        return out.append("]}").toString();
    }

    static String str(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '<': out.append("\\u003c"); break;
                case '>': out.append("\\u003e"); break;
                case '&': out.append("\\u0026"); break;
                default:
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        return out.append('"').toString();
    }
}
