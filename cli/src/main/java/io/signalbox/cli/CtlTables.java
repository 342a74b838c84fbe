package io.signalbox.cli;

import static io.signalbox.server.Json.quote;

import io.signalbox.consensus.Zxid;
import io.signalbox.proto.client.Member;
import io.signalbox.proto.client.ReadResult;
import io.signalbox.state.Server;
import io.signalbox.state.Service;
import io.signalbox.state.codec.StateCodec;
import java.util.ArrayList;
import java.util.List;
import io.signalbox.proto.client.ProxyReport;
import io.signalbox.proto.client.ProxyStatus;
import io.signalbox.proto.client.StatusResult;

/** What {@code ctl} prints: aligned tables for people, one JSON document for scripts. */
final class CtlTables {
    private CtlTables() {}

    static String configuration(long zxid, ReadResult r, boolean json) {
        List<Service> services = r.getServicesList().stream().map(StateCodec::fromProto).toList();
        List<Server> servers = r.getServersList().stream().map(StateCodec::fromProto).toList();
        if (json) {
            StringBuilder out = new StringBuilder("{\"zxid\":").append(quote(Zxid.format(zxid))).append(",\"services\":[");
            for (int i = 0; i < services.size(); i++) {
                Service s = services.get(i);
                out.append(i == 0 ? "" : ",").append("{\"name\":").append(quote(s.name())).append(",\"mode\":").append(quote(s.mode().name()))
                        .append(",\"port\":").append(s.listenPort()).append(",\"balance\":").append(quote(s.balance().name()))
                        .append(",\"version\":").append(quote(Zxid.format(s.version()))).append('}');
            }
            out.append("],\"servers\":[");
            for (int i = 0; i < servers.size(); i++) {
                Server s = servers.get(i);
                out.append(i == 0 ? "" : ",").append("{\"service\":").append(quote(s.service())).append(",\"name\":").append(quote(s.name()))
                        .append(",\"address\":").append(quote(s.address().toString())).append(",\"port\":").append(s.port())
                        .append(",\"weight\":").append(s.weight()).append(",\"state\":").append(quote(s.state().name()))
                        .append(",\"session\":").append(s.sessionId()).append(",\"version\":").append(quote(Zxid.format(s.version()))).append('}');
            }
            return out.append("]}\n").toString();
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SERVICE", "MODE", "PORT", "BALANCE", "SERVER", "ADDRESS", "WEIGHT", "STATE", "SESSION", "VERSION"});
        for (Service s : services) {
            rows.add(new String[] {s.name(), s.mode().name(), String.valueOf(s.listenPort()), s.balance().name(), "", "", "", "", "",
                Zxid.format(s.version())});
            for (Server v : servers) {
                if (v.service().equals(s.name())) {
                    rows.add(new String[] {"", "", "", "", v.name(), v.address() + ":" + v.port(), String.valueOf(v.weight()),
                        v.state().name(), v.sessionId() == 0 ? "" : String.valueOf(v.sessionId()), Zxid.format(v.version())});
                }
            }
        }
        return "configuration at zxid " + Zxid.format(zxid) + "\n" + table(rows);
    }

    /** Members as each reported itself, then the sync agents' reports from {@code proxies} (the leader's). */
    static String status(List<Member> members, StatusResult proxies, boolean json) {
        long leaderLast = members.stream().filter(m -> "LEADING".equals(m.getRole())).mapToLong(Member::getLastZxid).max().orElse(-1);
        if (json) {
            StringBuilder out = new StringBuilder("{\"members\":[");
            for (int i = 0; i < members.size(); i++) {
                Member m = members.get(i);
                out.append(i == 0 ? "" : ",").append("{\"id\":").append(m.getId()).append(",\"role\":").append(quote(m.getRole()))
                        .append(",\"leader\":").append(m.getLeaderId()).append(",\"epoch\":").append(m.getEpoch())
                        .append(",\"lastZxid\":").append(quote(Zxid.format(m.getLastZxid())))
                        .append(",\"committedZxid\":").append(quote(Zxid.format(m.getCommittedZxid())))
                        .append(",\"lag\":").append(leaderLast < 0 || !m.getReachable() ? -1 : Math.max(0, leaderLast - m.getLastZxid()))
                        .append(",\"client\":").append(quote(m.getClientAddress())).append('}');
            }
            out.append("],\"proxies\":[");
            for (int i = 0; i < proxies.getProxiesCount(); i++) {
                ProxyStatus p = proxies.getProxies(i);
                ProxyReport r = p.getReport();
                out.append(i == 0 ? "" : ",").append("{\"agent\":").append(quote(r.getAgentId())).append(",\"proxy\":")
                        .append(quote(r.getProxy())).append(",\"appliedZxid\":").append(quote(Zxid.format(r.getAppliedZxid())))
                        .append(",\"lag\":").append(p.getLagEntries()).append(",\"reportAgeMs\":").append(p.getReportAgeMs())
                        .append(",\"failure\":").append(quote(r.getFailure())).append('}');
            }
            return out.append("]}\n").toString();
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "ROLE", "LEADER", "EPOCH", "LAST ZXID", "COMMITTED", "LAG", "CLIENT", "ADMIN"});
        for (Member m : members) {
            boolean up = m.getReachable();
            rows.add(new String[] {String.valueOf(m.getId()), m.getRole(), up ? String.valueOf(m.getLeaderId()) : "",
                up ? String.valueOf(m.getEpoch()) : "", up ? Zxid.format(m.getLastZxid()) : "",
                up ? Zxid.format(m.getCommittedZxid()) : "",
                up && leaderLast >= 0 ? String.valueOf(Math.max(0, leaderLast - m.getLastZxid())) : "",
                m.getClientAddress(), "http://" + m.getAdminAddress() + "/"});
        }
        return table(rows) + "\n" + proxies(proxies);
    }

    private static String proxies(StatusResult status) {
        if (status.getProxiesCount() == 0) {
            return "proxies: " + (status.getProxiesNote().isEmpty() ? "no sync agent has reported" : status.getProxiesNote()) + "\n";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"AGENT", "PROXY", "SERVICES", "APPLIED ZXID", "LAG", "REPORTED", "RELOADS", "COMMANDS", "REPAIRS", "FAILURE"});
        for (ProxyStatus p : status.getProxiesList()) {
            ProxyReport r = p.getReport();
            rows.add(new String[] {r.getAgentId(), r.getProxy(), r.getServicesCount() == 0 ? "all" : String.join(",", r.getServicesList()),
                Zxid.format(r.getAppliedZxid()), String.valueOf(p.getLagEntries()), (p.getReportAgeMs() / 100) / 10.0 + " s ago",
                String.valueOf(r.getReloads()), String.valueOf(r.getRuntimeCommands()), String.valueOf(r.getRepairs()),
                r.getFailedZxid() == 0 ? "" : Zxid.format(r.getFailedZxid()) + ": " + r.getFailure()});
        }
        return table(rows);
    }

    static String table(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
