package io.signalbox.register;

import static io.signalbox.register.Fixtures.fail;
import static io.signalbox.register.Fixtures.pass;
import static io.signalbox.register.Fixtures.registration;
import static io.signalbox.register.RegistrationState.Published.ABSENT;
import static io.signalbox.register.RegistrationState.Published.DRAIN;
import static io.signalbox.register.RegistrationState.Published.READY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.signalbox.state.Command;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the sidecar sends for one registration, driven check by check with explicit session ids
 * and times: no clock, no network, no sleep.
 */
class RegistrationStateTest {
    private static final long SESSION = 17;

    /** Feeds results; after each, asks for the step at {@code nowMs} and reports it committed. Returns the last step. */
    private static RegistrationState.Step checkAndPublish(RegistrationState state, CheckResult result, long sessionId, long nowMs) {
        state.checked(result);
        RegistrationState.Step step = state.next(sessionId, nowMs);
        if (step != null) {
            state.succeeded(step, 100 + nowMs);
        }
        return step;
    }

    @Test
    void neverRegistersBeforeRisePassesThenRegistersReadyInItsSession() {
        RegistrationState state = new RegistrationState(registration(2, 3, Registration.OnFailure.DRAIN));
        assertNull(checkAndPublish(state, fail(), SESSION, 0), "a failing backend is never registered");
        assertNull(checkAndPublish(state, pass(), SESSION, 1), "one pass of rise 2");
        RegistrationState.Step step = checkAndPublish(state, pass(), SESSION, 2);
        assertNotNull(step);
        assertEquals(READY, step.target());
        assertEquals(new Command.RegisterServer("web", "web-4", "10.0.1.4", 8000, 5, "ready", false, Map.of(), SESSION, null), step.command());
        assertEquals(READY, state.published());
        assertNull(checkAndPublish(state, pass(), SESSION, 3), "nothing more to send while it stays healthy");
    }

    @Test
    void fallFailuresDrainItAndRisePassesBringItBackReady() {
        RegistrationState state = new RegistrationState(registration(1, 3, Registration.OnFailure.DRAIN));
        checkAndPublish(state, pass(), SESSION, 0);
        assertNull(checkAndPublish(state, fail(), SESSION, 1));
        assertNull(checkAndPublish(state, fail(), SESSION, 2));
        RegistrationState.Step drained = checkAndPublish(state, fail(), SESSION, 3);
        assertEquals(DRAIN, drained.target());
        assertEquals("drain", ((Command.RegisterServer) drained.command()).state());
        assertNull(checkAndPublish(state, fail(), SESSION, 4), "drained once, not on every failure");
        RegistrationState.Step back = checkAndPublish(state, pass(), SESSION, 5);
        assertEquals(READY, back.target());
        assertEquals("ready", ((Command.RegisterServer) back.command()).state());
    }

    @Test
    void withRemoveAFailingServerIsDeregistered() {
        RegistrationState state = new RegistrationState(registration(1, 2, Registration.OnFailure.REMOVE));
        checkAndPublish(state, pass(), SESSION, 0);
        checkAndPublish(state, fail(), SESSION, 1);
        RegistrationState.Step removed = checkAndPublish(state, fail(), SESSION, 2);
        assertEquals(ABSENT, removed.target());
        assertEquals(new Command.DeregisterServer("web", "web-4", null), removed.command());
        assertEquals(READY, checkAndPublish(state, pass(), SESSION, 3).target());
    }

    @Test
    void aNewSessionMeansTheOldOnesServersAreGoneSoAHealthyBackendIsRegisteredAgain() {
        RegistrationState state = new RegistrationState(registration(1, 3, Registration.OnFailure.DRAIN));
        checkAndPublish(state, pass(), SESSION, 0);
        assertNull(checkAndPublish(state, pass(), 0, 1), "no session right now: nothing is sent");
        RegistrationState.Step again = checkAndPublish(state, pass(), 18, 2);
        assertEquals(READY, again.target());
        assertEquals(18, ((Command.RegisterServer) again.command()).sessionId());
    }

    @Test
    void aDrainedServerWhoseSessionExpiredStaysAbsentInTheNewSessionUntilItRecovers() {
        RegistrationState state = new RegistrationState(registration(1, 1, Registration.OnFailure.DRAIN));
        checkAndPublish(state, pass(), SESSION, 0);
        assertEquals(DRAIN, checkAndPublish(state, fail(), SESSION, 1).target());
        assertNull(checkAndPublish(state, fail(), 18, 2), "unhealthy in a new session: never registered, not even drained");
        assertEquals(READY, checkAndPublish(state, pass(), 18, 3).target());
    }

    @Test
    void aFailedCommandIsRetriedWithDoublingBackoffAndNotBefore() {
        RegistrationState state = new RegistrationState(registration(1, 3, Registration.OnFailure.DRAIN));
        state.checked(pass());
        RegistrationState.Step step = state.next(SESSION, 0);
        assertEquals(250, state.failed(step, "UNAVAILABLE: no leader", 0));
        assertNull(state.next(SESSION, 249), "not before the backoff passed");
        step = state.next(SESSION, 250);
        assertNotNull(step);
        assertEquals(500, state.failed(step, "UNAVAILABLE: no leader", 250));
        long now = 750;
        long delay = 0;
        for (int attempt = 3; attempt <= 12; attempt++) {
            step = state.next(SESSION, now);
            delay = state.failed(step, "INVALID: server.name: ... live session 3 ...", now);
            now += delay;
        }
        assertEquals(RegistrationState.RETRY_DELAY_MS_MAX, delay, "capped");
        assertEquals("INVALID: server.name: ... live session 3 ...", state.snapshot().lastError());
        state.succeeded(state.next(SESSION, now), 900);
        assertEquals(READY, state.published());
        assertEquals("", state.snapshot().lastError());
        assertEquals(12, state.snapshot().commandsFailed());
    }

    @Test
    void onStopOnlyAServingServerOfTheCurrentSessionIsDrained() {
        RegistrationState state = new RegistrationState(registration(1, 1, Registration.OnFailure.DRAIN));
        assertNull(state.drain(SESSION), "never registered: nothing to drain");
        checkAndPublish(state, pass(), SESSION, 0);
        assertNull(state.drain(18), "another session: the server left with the old one");
        RegistrationState.Step drain = state.drain(SESSION);
        assertEquals(DRAIN, drain.target());
        assertInstanceOf(Command.RegisterServer.class, drain.command());
        state.succeeded(drain, 5);
        assertNull(state.drain(SESSION), "drained already");
    }
}
