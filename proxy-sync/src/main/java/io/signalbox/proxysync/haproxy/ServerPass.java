package io.signalbox.proxysync.haproxy;

import io.signalbox.proxysync.haproxy.HaproxyRuntime.RuntimeCommandException;
import io.signalbox.proxysync.haproxy.HaproxyRuntime.ServerStatus;
import io.signalbox.state.Configuration;
import io.signalbox.state.HealthCheck;
import io.signalbox.state.Server;
import io.signalbox.state.ServerKey;
import io.signalbox.state.ServerState;
import io.signalbox.state.Service;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Runtime API half of a HAProxy pass. It keeps a model of what HAProxy runs (what it
 * read with {@code show servers state}, updated by each command that succeeded), plans each
 * backend with {@link ServerPlan} against it, and sends the steps over one interactive
 * connection. Checking the proxy replaces the model with what HAProxy says; every difference
 * from what the driver had left is drift, logged and repaired. A failed command is retried
 * once, then reported, and the model is distrusted so the next pass looks again.
 */
final class ServerPass {
    private static final Logger LOG = LoggerFactory.getLogger(ServerPass.class);

    record Result(int commands, int repairs, String failure) {}

    private final Path adminSocket;
    private final long drainGraceMs;
    /** Service name to server name to what HAProxy runs. A service absent here has no backend running. */
    private final Map<String, Map<String, ServerPlan.Running>> model = new TreeMap<>();
    private boolean trusted;
    /** Servers taken out of traffic, to delete at these System.nanoTime() deadlines. */
    private final Map<ServerKey, Long> leaving = new HashMap<>();
    private int commands;

    ServerPass(Path adminSocket, long drainGraceMs) {
        this.adminSocket = adminSocket;
        this.drainGraceMs = drainGraceMs;
    }

    /** True when HAProxy runs exactly the backends of {@code wanted} (besides ones Signalbox did not render). */
    boolean backendsMatch(Configuration wanted) {
        Set<String> running = new HashSet<>();
        try {
            for (String backend : new HaproxyRuntime(adminSocket).backends()) {
                if (backend.startsWith("be_")) {
                    running.add(backend.substring(3));
                }
            }
        } catch (RuntimeCommandException e) {
            return true; // unreachable: a reload cannot help, and the pass reports it
        }
        Set<String> want = new HashSet<>();
        wanted.services().forEach(s -> want.add(s.name()));
        return running.equals(want);
    }

    /** After a reload: the next look at HAProxy replaces the model without counting differences as drift. */
    void reloaded() {
        trusted = false;
    }

    /**
     * One pass over the backends of {@code wanted}. With {@code missingBackendsExpected} (a
     * reload is about to create them, or just failed to) a missing backend is not a failure here.
     */
    Result run(Configuration wanted, boolean checkProxy, boolean missingBackendsExpected) {
        commands = 0;
        List<String> failures = new ArrayList<>();
        int repairs = 0;
        try (HaproxyRuntime runtime = HaproxyRuntime.session(adminSocket)) {
            if (checkProxy || !trusted) {
                repairs = refresh(runtime);
            }
            for (Service service : wanted.services()) {
                Map<String, ServerPlan.Running> have = model.get(service.name());
                if (have == null) {
                    if (!missingBackendsExpected) {
                        failures.add("backend be_" + service.name() + " is not running");
                    }
                    continue;
                }
                List<Server> want = wanted.servers().getOrDefault(service.name(), List.of());
                Set<String> leavingNames = new HashSet<>();
                for (Server server : want) {
                    leaving.remove(server.key()); // registered again while on its way out: it stays
                }
                leaving.keySet().stream().filter(k -> k.service().equals(service.name())).forEach(k -> leavingNames.add(k.name()));
                List<ServerPlan.Step> steps = ServerPlan.plan(want, have.values(), leavingNames);
                Set<String> added = new HashSet<>();
                steps.stream().filter(s -> s instanceof ServerPlan.Add).forEach(s -> added.add(s.server()));
                for (ServerPlan.Step step : steps) {
                    String failure = executeWithRetry(runtime, service, have, step, added.contains(step.server()));
                    if (failure != null) {
                        failures.add(failure);
                        trusted = false;
                    }
                }
            }
            deleteLeavers(runtime, failures);
        } catch (RuntimeCommandException e) {
            trusted = false;
            failures.add(e.getMessage());
            postponeDueDeletions(); // HAProxy does not answer: no point asking again at once
        }
        return new Result(commands, repairs, failures.isEmpty() ? null : String.join("; ", failures.subList(0, Math.min(5, failures.size()))));
    }

    long deferredWorkDelayMs() {
        long now = System.nanoTime();
        long soonest = -1;
        for (long deadline : leaving.values()) {
            long ms = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - now));
            soonest = soonest < 0 ? ms : Math.min(soonest, ms);
        }
        return soonest;
    }

    /** Replaces the model with what HAProxy runs; returns how many servers differed from what the driver had left. */
    private int refresh(HaproxyRuntime runtime) {
        Map<String, Map<String, ServerPlan.Running>> actual = new TreeMap<>();
        for (String backend : runtime.backends()) {
            if (backend.startsWith("be_")) {
                actual.put(backend.substring(3), new TreeMap<>());
            }
        }
        for (ServerStatus status : runtime.serversState()) {
            Map<String, ServerPlan.Running> servers = status.service() == null ? null : actual.get(status.service());
            if (servers != null) {
                ServerPlan.Running known = model.getOrDefault(status.service(), Map.of()).get(status.server());
                ServerPlan.Running running = ServerPlan.Running.of(status);
                servers.put(status.server(), known == null ? running : new ServerPlan.Running(running.name(), running.address(),
                        running.port(), running.weight(), running.state(), known.backup()));
            }
        }
        int drift = 0;
        if (trusted) {
            for (Map.Entry<String, Map<String, ServerPlan.Running>> backend : actual.entrySet()) {
                Map<String, ServerPlan.Running> before = model.getOrDefault(backend.getKey(), Map.of());
                Set<String> names = new HashSet<>(before.keySet());
                names.addAll(backend.getValue().keySet());
                for (String name : names) {
                    ServerPlan.Running was = before.get(name);
                    ServerPlan.Running is = backend.getValue().get(name);
                    if (was == null || is == null || !was.address().equals(is.address()) || was.port() != is.port()
                            || was.weight() != is.weight() || was.state() != is.state()) {
                        drift++;
                        LOG.warn("drift in be_{}/{}: HAProxy runs {}, Signalbox had left {}; putting it back", backend.getKey(), name,
                                describe(is), describe(was));
                    }
                }
            }
        }
        model.clear();
        model.putAll(actual);
        trusted = true;
        return drift;
    }

    private String executeWithRetry(HaproxyRuntime runtime, Service service, Map<String, ServerPlan.Running> have,
                                    ServerPlan.Step step, boolean replaced) {
        RuntimeCommandException last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                execute(runtime, service, have, step, replaced);
                return null;
            } catch (RuntimeCommandException e) {
                last = e;
            }
        }
        LOG.warn("be_{}/{}: {} failed twice: {}", service.name(), step.server(), step, last.getMessage());
        return last.getMessage();
    }

    private void execute(HaproxyRuntime runtime, Service service, Map<String, ServerPlan.Running> have, ServerPlan.Step step,
                         boolean replaced) {
        String name = service.name();
        ServerPlan.Running current = have.get(step.server());
        if (step instanceof ServerPlan.SetAddress s) {
            send(() -> runtime.setAddress(name, s.server(), s.address(), s.port()));
            have.put(s.server(), new ServerPlan.Running(s.server(), s.address(), s.port(), current.weight(), current.state(), current.backup()));
        } else if (step instanceof ServerPlan.SetWeight s) {
            send(() -> runtime.setWeight(name, s.server(), s.weight()));
            have.put(s.server(), new ServerPlan.Running(s.server(), current.address(), current.port(), s.weight(), current.state(), current.backup()));
        } else if (step instanceof ServerPlan.SetState s) {
            send(() -> runtime.setState(name, s.server(), s.state()));
            have.put(s.server(), new ServerPlan.Running(s.server(), current.address(), current.port(), current.weight(), s.state(), current.backup()));
        } else if (step instanceof ServerPlan.Remove s) {
            if (current.state() != ServerState.MAINT) {
                send(() -> runtime.setState(name, s.server(), ServerState.MAINT));
                have.put(s.server(), new ServerPlan.Running(s.server(), current.address(), current.port(), current.weight(),
                        ServerState.MAINT, current.backup()));
            }
            if (replaced || drainGraceMs == 0) {
                delete(runtime, name, s.server(), have);
            } else {
                leaving.put(new ServerKey(name, s.server()), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drainGraceMs));
            }
        } else if (step instanceof ServerPlan.Add s) {
            Server w = s.wanted();
            send(() -> runtime.addServer(name, w.name(), w.address(), w.port(), w.weight(), checkArguments(service.healthCheck()), w.backup()));
            have.put(w.name(), new ServerPlan.Running(w.name(), w.address(), w.port(), w.weight(), ServerState.MAINT, w.backup()));
            if (w.state() != ServerState.MAINT) {
                send(() -> runtime.setState(name, w.name(), w.state()));
                have.put(w.name(), ServerPlan.Running.of(w));
            }
            if (service.healthCheck() != null) {
                send(() -> runtime.enableHealth(name, w.name()));
            }
        }
    }

    private void deleteLeavers(HaproxyRuntime runtime, List<String> failures) {
        long now = System.nanoTime();
        for (ServerKey key : new ArrayList<>(leaving.keySet())) {
            if (now - leaving.get(key) < 0) {
                continue;
            }
            Map<String, ServerPlan.Running> have = model.get(key.service());
            if (have == null || !have.containsKey(key.name())) {
                leaving.remove(key); // its backend went with a reload, or someone deleted it already
                continue;
            }
            try {
                delete(runtime, key.service(), key.name(), have);
            } catch (RuntimeCommandException e) {
                leaving.put(key, now + TimeUnit.SECONDS.toNanos(1));
                failures.add(e.getMessage());
            }
        }
    }

    private void postponeDueDeletions() {
        long now = System.nanoTime();
        leaving.replaceAll((key, deadline) -> now - deadline >= 0 ? now + TimeUnit.SECONDS.toNanos(1) : deadline);
    }

    private void delete(HaproxyRuntime runtime, String service, String server, Map<String, ServerPlan.Running> have) {
        send(() -> runtime.shutdownSessions(service, server));
        send(() -> runtime.deleteServer(service, server));
        have.remove(server);
        leaving.remove(new ServerKey(service, server));
    }

    private void send(Runnable command) {
        commands++;
        command.run();
    }

    /** The same health-check arguments the renderer writes, so a server added at runtime is checked like the others. */
    static String checkArguments(HealthCheck health) {
        if (health == null) {
            return "";
        }
        return "check inter " + health.intervalMs() + "ms rise " + health.rise() + " fall " + health.fall();
    }

    private static String describe(ServerPlan.Running server) {
        return server == null ? "nothing" : server.address() + ":" + server.port() + " weight " + server.weight() + " " + server.state();
    }
}
