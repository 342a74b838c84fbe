package io.signalbox.register;

import io.signalbox.common.Json;
import io.signalbox.common.Zxid;
import java.util.List;
import java.util.Locale;

/**
 * The sidecar as its status endpoint shows it, and the three pages rendered from it: /health
 * (is the sidecar itself doing its job), /metrics (Prometheus text format 0.0.4) and /status
 * (JSON). Pure: rendering is tested on hand-made values.
 *
 * @param problem why there is no live session, or ""
 */
record SidecarStatus(Phase phase, long sessionId, long sessionsOpened, String problem, List<RegistrationState.Snapshot> registrations) {
    enum Phase { RUNNING, DRAINING, STOPPED }

    SidecarStatus {
        registrations = List.copyOf(registrations);
    }

    /** Healthy: running with a live session. The backends' own health is in /status and /metrics, not here. */
    boolean healthy() {
        return phase == Phase.RUNNING && sessionId != 0;
    }

    String healthText() {
        if (healthy()) {
            return "ok: session " + sessionId + ", " + registrations.size() + " registration(s)\n";
        }
        return phase != Phase.RUNNING ? phase.name().toLowerCase(Locale.ROOT) + "\n" : "no session: " + problem + "\n";
    }

    String metricsText() {
        StringBuilder out = new StringBuilder();
        gauge(out, "signalbox_register_session_up", "1 while the sidecar holds a live session", sessionId != 0 ? 1 : 0);
        gauge(out, "signalbox_register_session_id", "the live session's id, 0 when there is none", sessionId);
        counter(out, "signalbox_register_sessions_opened_total", "sessions opened, the first and each after an expiry", sessionsOpened);
        gauge(out, "signalbox_register_draining", "1 while a graceful stop drains the servers", phase == Phase.DRAINING ? 1 : 0);
        family(out, "signalbox_register_healthy", "gauge", "1 when the backend's check passed rise times in a row (and not fall failures since)");
        registrations.forEach(r -> sample(out, "signalbox_register_healthy", labels(r, ""), r.healthy() ? 1 : 0));
        family(out, "signalbox_register_checks_total", "counter", "checks run, by result");
        registrations.forEach(r -> {
            sample(out, "signalbox_register_checks_total", labels(r, ",result=\"pass\""), r.passes());
            sample(out, "signalbox_register_checks_total", labels(r, ",result=\"fail\""), r.failures());
        });
        family(out, "signalbox_register_check_duration_seconds", "gauge", "how long the last check took");
        registrations.forEach(r -> sample(out, "signalbox_register_check_duration_seconds", labels(r, ""),
                r.lastCheck() == null ? 0 : r.lastCheck().durationMs() / 1000.0));
        family(out, "signalbox_register_state", "gauge", "1 for what the cluster holds for the server, as this sidecar last got committed");
        registrations.forEach(r -> {
            for (RegistrationState.Published p : RegistrationState.Published.values()) {
                sample(out, "signalbox_register_state", labels(r, ",state=\"" + p.name().toLowerCase(Locale.ROOT) + "\""),
                        r.published() == p ? 1 : 0);
            }
        });
        family(out, "signalbox_register_commands_total", "counter", "commands sent to the cluster, by outcome");
        registrations.forEach(r -> {
            sample(out, "signalbox_register_commands_total", labels(r, ",outcome=\"committed\""), r.commandsCommitted());
            sample(out, "signalbox_register_commands_total", labels(r, ",outcome=\"failed\""), r.commandsFailed());
        });
        return out.toString();
    }

    String statusJson() {
        StringBuilder out = new StringBuilder("{\"phase\":").append(Json.quote(phase.name().toLowerCase(Locale.ROOT)))
                .append(",\"sessionId\":").append(sessionId).append(",\"sessionsOpened\":").append(sessionsOpened)
                .append(",\"problem\":").append(Json.quote(problem)).append(",\"registrations\":[");
        for (int i = 0; i < registrations.size(); i++) {
            RegistrationState.Snapshot r = registrations.get(i);
            Registration g = r.registration();
            out.append(i == 0 ? "" : ",").append("{\"service\":").append(Json.quote(g.service()))
                    .append(",\"name\":").append(Json.quote(g.name()))
                    .append(",\"address\":").append(Json.quote(g.address().toString())).append(",\"port\":").append(g.port())
                    .append(",\"check\":").append(Json.quote(g.check().toString()))
                    .append(",\"healthy\":").append(r.healthy()).append(",\"passesInRow\":").append(r.passesInRow())
                    .append(",\"failuresInRow\":").append(r.failuresInRow())
                    .append(",\"lastCheck\":").append(Json.quote(r.lastCheck() == null ? "" : r.lastCheck().toString()))
                    .append(",\"published\":").append(Json.quote(r.published().name().toLowerCase(Locale.ROOT)))
                    .append(",\"sessionId\":").append(r.sessionId())
                    .append(",\"zxid\":").append(Json.quote(Zxid.format(r.publishedZxid())))
                    .append(",\"lastError\":").append(Json.quote(r.lastError())).append('}');
        }
        return out.append("]}\n").toString();
    }

    private static String labels(RegistrationState.Snapshot r, String more) {
        return "{service=\"" + escape(r.registration().service()) + "\",name=\"" + escape(r.registration().name()) + "\"" + more + "}";
    }

    /** Prometheus label values: backslash, double quote and newline escaped (names are plain words already; this is the rule). */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void family(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, double value) {
        family(out, name, "gauge", help);
        sample(out, name, "", value);
    }

    private static void counter(StringBuilder out, String name, String help, double value) {
        family(out, name, "counter", help);
        sample(out, name, "", value);
    }

    private static void sample(StringBuilder out, String name, String labels, double value) {
        out.append(name).append(labels).append(' ');
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(value);
        }
        out.append('\n');
    }
}
