package io.signalbox.register;

import static io.signalbox.register.Fixtures.registration;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The status endpoint's pages, rendered from hand-made states. */
class SidecarStatusTest {
    private static RegistrationState servingInSession17() {
        RegistrationState state = new RegistrationState(registration(1, 3, Registration.OnFailure.DRAIN));
        state.checked(Fixtures.pass());
        state.succeeded(state.next(17, 0), (2L << 32) | 41);
        state.checked(new CheckResult(false, "connection refused", 250));
        return state;
    }

    @Test
    void metricsSayWhatTheSidecarAndEachBackendAreDoing() {
        SidecarStatus status = new SidecarStatus(SidecarStatus.Phase.RUNNING, 17, 1, "", List.of(servingInSession17().snapshot()));
        String metrics = status.metricsText();
        for (String line : List.of(
                "# TYPE signalbox_register_session_up gauge", "signalbox_register_session_up 1", "signalbox_register_session_id 17",
                "signalbox_register_sessions_opened_total 1", "signalbox_register_draining 0",
                "signalbox_register_healthy{service=\"web\",name=\"web-4\"} 1",
                "signalbox_register_checks_total{service=\"web\",name=\"web-4\",result=\"pass\"} 1",
                "signalbox_register_checks_total{service=\"web\",name=\"web-4\",result=\"fail\"} 1",
                "signalbox_register_check_duration_seconds{service=\"web\",name=\"web-4\"} 0.25",
                "signalbox_register_state{service=\"web\",name=\"web-4\",state=\"ready\"} 1",
                "signalbox_register_state{service=\"web\",name=\"web-4\",state=\"absent\"} 0",
                "signalbox_register_commands_total{service=\"web\",name=\"web-4\",outcome=\"committed\"} 1")) {
            assertTrue(metrics.lines().anyMatch(line::equals), "missing \"" + line + "\" in\n" + metrics);
        }
        assertTrue(status.healthy());
        assertEquals("ok: session 17, 1 registration(s)\n", status.healthText());
    }

    @Test
    void withoutASessionTheSidecarIsUnhealthyAndSaysWhy() {
        SidecarStatus status = new SidecarStatus(SidecarStatus.Phase.RUNNING, 0, 0, "cannot open a session: UNAVAILABLE: refused", List.of());
        assertFalse(status.healthy());
        assertEquals("no session: cannot open a session: UNAVAILABLE: refused\n", status.healthText());
        assertEquals("draining\n", new SidecarStatus(SidecarStatus.Phase.DRAINING, 17, 1, "", List.of()).healthText());
    }

    @Test
    void statusJsonCarriesEachRegistration() {
        String json = new SidecarStatus(SidecarStatus.Phase.RUNNING, 17, 1, "", List.of(servingInSession17().snapshot())).statusJson();
        assertEquals("{\"phase\":\"running\",\"sessionId\":17,\"sessionsOpened\":1,\"problem\":\"\",\"registrations\":[{\"service\":\"web\","
                + "\"name\":\"web-4\",\"address\":\"10.0.1.4\",\"port\":8000,\"check\":\"tcp 10.0.1.4:8000\",\"healthy\":true,"
                + "\"passesInRow\":0,\"failuresInRow\":1,\"lastCheck\":\"failed (connection refused in 250 ms)\",\"published\":\"ready\","
                + "\"sessionId\":17,\"zxid\":\"2:41\",\"lastError\":\"\"}]}\n", json);
    }

    @Test
    void labelValuesAreEscapedAsPrometheusRequires() {
        assertEquals("a\\\\b\\\"c\\nd", SidecarStatus.escape("a\\b\"c\nd"));
    }
}
