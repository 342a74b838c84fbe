package io.signalbox.chaos;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.ClientSession;
import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.state.Command;
import io.signalbox.state.Configuration;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sessions with ephemeral servers under the nemesis: a client opens a session, registers an
 * ephemeral server with it, keeps it alive for a while, then either closes the session or
 * vanishes without closing it (its client closed, as if its process died). After healing,
 * every ephemeral server must be gone once the session timeout has passed: none left behind
 * by a lost close, an expiry that a leader change forgot, or a registration that outlived
 * its session.
 */
final class ChaosSessions {
    static final String SERVICE = "chaos-eph";
    static final int SESSION_TIMEOUT_MS = 2_000;

    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger registered = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicInteger abandoned = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    void setUp(SignalboxClient client) {
        client.submit(new Command.PutService(SERVICE, "tcp", 9001, "roundrobin", null, 1000, 1000, 1000, null));
    }

    /** One session after another until {@code deadlineNanos}. */
    void run(ClientOptions options, long deadlineNanos, long seed) throws InterruptedException {
        Random random = new Random(seed);
        int n = 0;
        while (System.nanoTime() < deadlineNanos) {
            SignalboxClient client = new SignalboxClient(options);
            boolean abandon = random.nextBoolean();
            try {
                ClientSession session = client.openSession(SESSION_TIMEOUT_MS);
                opened.incrementAndGet();
                client.submit(new Command.RegisterServer(SERVICE, "e" + n++, "10.0.0.2", 1 + n % 60_000, 1, "ready", false, Map.of(),
                        session.id(), null));
                registered.incrementAndGet();
                Thread.sleep(500 + random.nextInt(2_000));
                if (abandon) {
                    abandoned.incrementAndGet(); // no close: the session must expire
                } else {
                    session.close();
                    closed.incrementAndGet();
                }
            } catch (SignalboxException e) {
                failed.incrementAndGet();
            } finally {
                client.close();
            }
        }
    }

    /** After healing: waits (bounded) until no ephemeral server and no session is left. */
    ChaosChecks.Verdict check(SignalboxClient client) throws InterruptedException {
        String counts = opened + " sessions opened, " + registered + " ephemeral servers registered, " + closed + " closed, "
                + abandoned + " abandoned, " + failed + " failed";
        long deadline = System.nanoTime() + Duration.ofMillis(SESSION_TIMEOUT_MS * 5L + 10_000).toNanos();
        long servers = -1;
        int sessions = -1;
        while (System.nanoTime() < deadline) {
            Configuration all = client.read(Consistency.LINEARIZABLE, "").configuration(); // sessions come only with the whole configuration
            servers = all.servers().getOrDefault(SERVICE, java.util.List.of()).size();
            sessions = all.sessions().size();
            if (servers == 0 && sessions == 0) {
                return new ChaosChecks.Verdict("sessions", true, counts + "; every ephemeral server gone with its session");
            }
            Thread.sleep(200);
        }
        return new ChaosChecks.Verdict("sessions", false, counts + "; still there " + (SESSION_TIMEOUT_MS * 5 + 10_000) / 1000
                + " s after healing: " + servers + " ephemeral servers, " + sessions + " sessions");
    }
}
