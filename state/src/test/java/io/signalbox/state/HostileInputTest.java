package io.signalbox.state;

import static io.signalbox.state.Fixtures.run;
import static io.signalbox.state.Fixtures.server;
import static io.signalbox.state.Fixtures.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The injection attacks of proxy-notes.md and friends: each is refused with a message
 * naming the field and the rule, and nothing changes.
 */
class HostileInputTest {
    private LbStateMachine machine;
    private long digestBefore;

    @BeforeEach
    void setUp() {
        machine = new LbStateMachine(Limits.DEFAULTS, 100);
        run(machine, service("web", 8080));
        digestBefore = machine.digest();
    }

    private Rejection refused(Command command, String field) {
        Rejection rejection = assertThrows(Rejection.class, () -> machine.prepare(command));
        assertEquals(field, rejection.field(), rejection.getMessage());
        assertTrue(rejection.getMessage().startsWith(field + ": "), rejection.getMessage());
        assertEquals(digestBefore, machine.digest(), "a refused command changed the state");
        return rejection;
    }

    @ParameterizedTest
    @ValueSource(strings = {"web\nlisten evil", "web;rm", "web#x", "web{", "web}", "we\"b", "we'b", "${HOME}", "Web",
        "1web", "", "web app", "wеb" /* Cyrillic e */, "ｗeb" /* fullwidth */, "web\u0000", "a234567890123456789012345678901234567890123456789012345678901234",
        "-web", "_web", "web.app", "web/x", "unix@/tmp/x"})
    void hostileNamesAreRefused(String name) {
        Rejection rejection = refused(server("web", name, "10.0.0.1", 80), "server.name");
        assertTrue(rejection.getMessage().contains("^[a-z][a-z0-9_-]{0,62}$"), rejection.getMessage());
        assertTrue(!rejection.getMessage().contains("\n"), "the message itself must stay one line");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.com", "unix@/var/run/haproxy.sock", "/var/run/x.sock", "abns@x", "fd@3",
        "10.0.0.1; } server { listen 80; }", "10.0.0.1\n", " 10.0.0.1", "10.0.0.256", "10.0.0", "10.0.0.1.2", "010.0.0.1",
        "１０.０.０.１" /* fullwidth digits */, "١٠.٠.٠.١" /* Arabic-Indic digits */, "fe80::1%eth0", "::1::2", "1:2:3:4:5:6:7:8:9",
        "12345::1", "g::1", "${IP}", "0x0a.0.0.1", ""})
    void hostileAddressesAreRefusedAndNeverResolved(String address) {
        Rejection rejection = refused(server("web", "a", address, 80), "server.address");
        assertTrue(rejection.getMessage().contains("is not an IP literal"), rejection.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65_536, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void portsOutOfRangeAreRefused(int port) {
        Rejection rejection = refused(server("web", "a", "10.0.0.1", port), "server.port");
        assertEquals("server.port: " + port + " is not a port: allowed 1..65535", rejection.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 257, 1_000})
    void weightsOutOfRangeAreRefused(int weight) {
        Command command = new Command.RegisterServer("web", "a", "10.0.0.1", 80, weight, "ready", false, Map.of(), 0, null);
        assertEquals("server.weight: " + weight + " is not a weight: allowed 0..256", refused(command, "server.weight").getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"up", "READY", "ready ", "drain;", "maint\n"})
    void unknownStatesAreRefusedWithTheChoices(String state) {
        Command command = new Command.RegisterServer("web", "a", "10.0.0.1", 80, 1, state, false, Map.of(), 0, null);
        assertTrue(refused(command, "server.state").getMessage().endsWith("is not allowed: one of ready, drain, maint"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "x;y", "x\ny", "\"q\"", "$v", "{", "Upper", ""})
    void hostileLabelValuesAreRefused(String value) {
        Command command = new Command.RegisterServer("web", "a", "10.0.0.1", 80, 1, "ready", false, Map.of("zone", value), 0, null);
        assertTrue(refused(command, "server.labels.zone").getMessage().contains("is not a valid label value"));
    }

    @org.junit.jupiter.api.Test
    void tooManyOrOversizedLabelsAreRefused() {
        Map<String, String> many = new TreeMap<>();
        for (int i = 0; i < 17; i++) {
            many.put("k" + i, "v");
        }
        Command tooMany = new Command.RegisterServer("web", "a", "10.0.0.1", 80, 1, "ready", false, many, 0, null);
        assertEquals("server.labels: 17 labels are too many: at most 16", refused(tooMany, "server.labels").getMessage());
        Command longValue = new Command.RegisterServer("web", "a", "10.0.0.1", 80, 1, "ready", false,
                Map.of("zone", "a".repeat(64)), 0, null);
        refused(longValue, "server.labels.zone");
        Command badKey = new Command.RegisterServer("web", "a", "10.0.0.1", 80, 1, "ready", false, Map.of("Zone;x", "a"), 0, null);
        refused(badKey, "server.labels.key");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/health\ncheck", "/h h", "health", "/h;x", "/h#x", "/h{x}", "/h\"", "/$x", "/%0a"})
    void hostileHealthCheckPathsAreRefused(String path) {
        Command command = new Command.PutService("api", "http", 9000, "roundrobin", new HealthCheck(path, 1_000, 2, 3), 1, 1, 1, null);
        assertTrue(refused(command, "service.healthCheck.httpPath").getMessage().contains("is not a safe path"));
    }

    @org.junit.jupiter.api.Test
    void freeFormChoicesAreRefused() {
        refused(new Command.PutService("api", "http;", 9000, "roundrobin", null, 1, 1, 1, null), "service.mode");
        refused(new Command.PutService("api", "http", 9000, "static-rr", null, 1, 1, 1, null), "service.balance");
        refused(new Command.PutService("api", "http", 9000, "roundrobin", null, 0, 1, 1, null), "service.connectTimeoutMs");
        refused(new Command.PutService("api", "http", 8080, "roundrobin", null, 1, 1, 1, null), "service.listenPort");
    }
}
