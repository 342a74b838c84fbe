package io.signalbox.ctl;

import static io.signalbox.common.Json.quote;

import io.signalbox.common.Zxid;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.ProxyReport;
import io.signalbox.protocol.ProxyStatus;
import io.signalbox.protocol.StatusResult;
import io.signalbox.state.Configuration;
import io.signalbox.state.Server;
import io.signalbox.state.Service;
import java.util.ArrayList;
import java.util.List;

/** What {@code ctl} prints: aligned tables for people, one JSON document for scripts. */
final class CtlTables {
    private CtlTables() {}

    static String configuration(Configuration configuration, boolean json) {
        long zxid = configuration.zxid();
        List<Service> services = configuration.services();
        List<Server> servers = services.stream().flatMap(s -> configuration.servers().getOrDefault(s.name(), List.of()).stream()).toList();
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
        long leaderLast = members.stream().filter(m -> "LEADING".equals(m.role())).mapToLong(Member::lastZxid).max().orElse(-1);
        if (json) {
            StringBuilder out = new StringBuilder("{\"members\":[");
            for (int i = 0; i < members.size(); i++) {
                Member m = members.get(i);
                out.append(i == 0 ? "" : ",").append("{\"id\":").append(m.id()).append(",\"voting\":").append(quote(m.voting()))
                        .append(",\"role\":").append(quote(m.role()))
                        .append(",\"leader\":").append(m.leaderId()).append(",\"epoch\":").append(m.epoch())
                        .append(",\"lastZxid\":").append(quote(Zxid.format(m.lastZxid())))
                        .append(",\"committedZxid\":").append(quote(Zxid.format(m.committedZxid())))
                        .append(",\"lag\":").append(leaderLast < 0 || !m.reachable() ? -1 : Math.max(0, leaderLast - m.lastZxid()))
                        .append(",\"client\":").append(quote(m.clientAddress())).append('}');
            }
            out.append("],\"proxies\":[");
            for (int i = 0; i < proxies.proxies().size(); i++) {
                ProxyStatus p = proxies.proxies().get(i);
                ProxyReport r = p.report();
                out.append(i == 0 ? "" : ",").append("{\"agent\":").append(quote(r.agentId())).append(",\"proxy\":")
                        .append(quote(r.proxy())).append(",\"appliedZxid\":").append(quote(Zxid.format(r.appliedZxid())))
                        .append(",\"lag\":").append(p.lagEntries()).append(",\"reportAgeMs\":").append(p.reportAgeMs())
                        .append(",\"failure\":").append(quote(r.failure())).append('}');
            }
            return out.append("]}\n").toString();
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "VOTING", "ROLE", "LEADER", "EPOCH", "LAST ZXID", "COMMITTED", "LAG", "CLIENT", "ADMIN"});
        for (Member m : members) {
            boolean up = m.reachable();
            rows.add(new String[] {String.valueOf(m.id()), m.voting(), m.role(), up ? String.valueOf(m.leaderId()) : "",
                up ? String.valueOf(m.epoch()) : "", up ? Zxid.format(m.lastZxid()) : "",
                up ? Zxid.format(m.committedZxid()) : "",
                up && leaderLast >= 0 ? String.valueOf(Math.max(0, leaderLast - m.lastZxid())) : "",
                m.clientAddress(), m.adminAddress()});
        }
        return table(rows) + "\n" + proxies(proxies);
    }

    private static String proxies(StatusResult status) {
        if (status.proxies().isEmpty()) {
            return "proxies: " + (status.proxiesNote().isEmpty() ? "no sync agent has reported" : status.proxiesNote()) + "\n";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"AGENT", "PROXY", "SERVICES", "APPLIED ZXID", "LAG", "REPORTED", "RELOADS", "COMMANDS", "REPAIRS", "FAILURE"});
        for (ProxyStatus p : status.proxies()) {
            ProxyReport r = p.report();
            rows.add(new String[] {r.agentId(), r.proxy(), r.services().isEmpty() ? "all" : String.join(",", r.services()),
                Zxid.format(r.appliedZxid()), String.valueOf(p.lagEntries()), (p.reportAgeMs() / 100) / 10.0 + " s ago",
                String.valueOf(r.reloads()), String.valueOf(r.runtimeCommands()), String.valueOf(r.repairs()),
                r.failedZxid() == 0 ? "" : Zxid.format(r.failedZxid()) + ": " + r.failure()});
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
