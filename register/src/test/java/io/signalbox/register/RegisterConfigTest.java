package io.signalbox.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sidecar's keys: defaults, several registrations, and every kind of bad input refused before anything starts. */
class RegisterConfigTest {
    private static Map<String, String> one(String... more) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("registration.web-4.service", "web");
        values.put("registration.web-4.address", "10.0.1.4");
        values.put("registration.web-4.port", "8000");
        for (int i = 0; i + 1 < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        return values;
    }

    private static String refused(Map<String, String> values) {
        return assertThrows(IllegalArgumentException.class, () -> RegisterConfig.parse(values)).getMessage();
    }

    @Test
    void defaultsAreHaproxysRiseAndFallATcpCheckAndDrainOnFailure() {
        RegisterConfig config = RegisterConfig.parse(one());
        Registration r = config.registrations().get(0);
        assertEquals("web/web-4", r.key());
        assertEquals("tcp 10.0.1.4:8000", r.check().toString());
        assertEquals(List.of(1_000L, 1_000L, 2L, 3L), List.of(r.intervalMs(), r.timeoutMs(), (long) r.rise(), (long) r.fall()));
        assertEquals(Registration.OnFailure.DRAIN, r.onFailure());
        assertEquals(1, r.weight());
        assertEquals(10_000, config.sessionTimeoutMs());
        assertEquals(30_000, config.drainTimeoutMs());
        assertEquals(null, config.statusAddress());
        assertEquals("[127.0.0.1:7101, 127.0.0.1:7102, 127.0.0.1:7103]", config.connect().toString());
    }

    @Test
    void severalRegistrationsShareTopLevelDefaultsAndMayOverrideThem() {
        Map<String, String> values = one("intervalMs", "200", "fall", "2", "statusAddress", "127.0.0.1:0",
                "registration.web-4.check", "http://127.0.0.1:8000/healthz?deep=1",
                "registration.api.service", "api", "registration.api.name", "api-4", "registration.api.address", "fd00::4",
                "registration.api.port", "9000", "registration.api.checkCmd", "pg_isready -q", "registration.api.fall", "5",
                "registration.api.onFailure", "remove", "registration.api.labels", "zone=a,rack=r1", "registration.api.weight", "0");
        RegisterConfig config = RegisterConfig.parse(values);
        Registration api = config.registrations().get(0);
        Registration web = config.registrations().get(1);
        assertEquals("api/api-4", api.key());
        assertEquals("command pg_isready -q", api.check().toString());
        assertEquals(5, api.fall());
        assertEquals(200, api.intervalMs());
        assertEquals(200, api.timeoutMs(), "a check's timeout never exceeds its interval");
        assertEquals(Registration.OnFailure.REMOVE, api.onFailure());
        assertEquals(Map.of("zone", "a", "rack", "r1"), api.labels());
        assertEquals(0, api.weight());
        assertEquals("http://127.0.0.1:8000/healthz?deep=1", web.check().toString());
        assertEquals(2, web.fall());
        assertEquals(0, config.statusAddress().port());
    }

    @Test
    void anAddressThatIsNotAnIpLiteralIsRefusedAndNeverResolved() {
        assertEquals("registration.web-4.address: \"web4.internal\" is not an IP literal (IPv4 like 10.0.0.1 or IPv6 like fd00::1;"
                + " names are never resolved)", refused(one("registration.web-4.address", "web4.internal")));
        assertEquals("registration.web-4.address: \"localhost\" is not an IP literal (IPv4 like 10.0.0.1 or IPv6 like fd00::1;"
                + " names are never resolved)", refused(one("registration.web-4.address", "localhost")));
    }

    @Test
    void aCheckUrlMustBeLoopbackOrTheBackendsOwnAddress() {
        assertEquals("registration.web-4.check \"http://10.0.9.9:8000/healthz\" checks 10.0.9.9, which is neither loopback (127.0.0.0/8,"
                + " ::1) nor the backend's own address 10.0.1.4: a sidecar checks the backend beside it",
                refused(one("registration.web-4.check", "http://10.0.9.9:8000/healthz")));
        assertEquals("registration.web-4.check: \"localhost\" is not an IP literal (IPv4 like 10.0.0.1 or IPv6 like fd00::1;"
                + " names are never resolved)", refused(one("registration.web-4.check", "http://localhost:8000/healthz")));
        assertEquals("registration.web-4.check \"https://127.0.0.1/healthz\" must be tcp or http://IP[:PORT]/PATH (for anything else,"
                + " use checkCmd)", refused(one("registration.web-4.check", "https://127.0.0.1/healthz")));
        RegisterConfig.parse(one("registration.web-4.check", "http://10.0.1.4:8000/healthz"));
        RegisterConfig.parse(one("registration.web-4.check", "http://[::1]:8000/"));
        RegisterConfig.parse(one("registration.web-4.check", "http://127.0.0.2/"));
    }

    @Test
    void namesLabelsAndNumbersFollowTheClustersOwnRules() {
        assertEquals("registration.Web.name: \"Web\" is not a valid name: it must match ^[a-z][a-z0-9_-]{0,62}$",
                refused(Map.of("registration.Web.service", "web", "registration.Web.address", "10.0.1.4", "registration.Web.port", "80")));
        assertEquals("registration.web-4.service: \"web;x\" is not a valid name: it must match ^[a-z][a-z0-9_-]{0,62}$",
                refused(one("registration.web-4.service", "web;x")));
        assertEquals("registration.web-4.labels.zone: \"A B\" is not a valid label value: it must match ^[a-z0-9][a-z0-9_.-]{0,62}$",
                refused(one("registration.web-4.labels", "zone=A B")));
        assertEquals("registration.web-4.port 0 is outside 1..65535", refused(one("registration.web-4.port", "0")));
        assertEquals("registration.web-4.weight 300 is outside 0..256", refused(one("registration.web-4.weight", "300")));
        assertEquals("registration.web-4.rise 0 is outside 1..100", refused(one("registration.web-4.rise", "0")));
        assertEquals("registration.web-4.intervalMs \"1s\" is not a whole number", refused(one("registration.web-4.intervalMs", "1s")));
        assertEquals("registration.web-4.timeoutMs 5000 is outside 1..1000", refused(one("registration.web-4.timeoutMs", "5000")));
        assertEquals("sessionTimeoutMs 500 is outside 1000..600000", refused(one("sessionTimeoutMs", "500")));
        assertEquals("registration.web-4.onFailure \"maint\" must be drain or remove", refused(one("registration.web-4.onFailure", "maint")));
    }

    @Test
    void missingUnknownAndContradictoryKeysAreRefused() {
        assertEquals("registration.web-4.port is required", refused(Map.of("registration.web-4.service", "web",
                "registration.web-4.address", "10.0.1.4")));
        assertEquals("no registration: give at least registration.<label>.service, .address and .port (signalbox register --service S"
                + " --name N --address IP --port P)", refused(Map.of("connect", "127.0.0.1:7101")));
        assertEquals("key \"registration.web-4.helth\" is not registration.<label>.<key> with a key among [address, backup, check, checkCmd,"
                + " fall, intervalMs, labels, name, onFailure, port, rise, service, timeoutMs, weight]",
                refused(one("registration.web-4.helth", "x")));
        assertEquals("key \"drainTimeout\" is not one of [ca, cert, connect, drainTimeoutMs, fall, intervalMs, key, onFailure, rise, sessionTimeoutMs,"
                + " staleReportMs, statusAddress, timeoutMs, tokenFile, weight] or registration.<label>.<key>", refused(one("drainTimeout", "3")));
        assertEquals("registration.web-4.check and registration.web-4.checkCmd are both given: choose one",
                refused(one("registration.web-4.check", "tcp", "registration.web-4.checkCmd", "true")));
        assertEquals("registration.web-5 registers web/web-4 a second time: each server once per sidecar", refused(one(
                "registration.web-5.name", "web-4", "registration.web-5.service", "web", "registration.web-5.address", "10.0.1.5",
                "registration.web-5.port", "80")));
        assertEquals("statusAddress \"127.0.0.1\" is not IP:PORT (port 0..65535; 0 picks a free one)", refused(one("statusAddress", "127.0.0.1")));
        assertEquals("registration.web-4.checkCmd must be one line of at most 4096 characters",
                refused(one("registration.web-4.checkCmd", "true\nrm -rf /")));
    }

    @Test
    void theClustersTlsFilesAreTheKeysCaCertAndKey(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        for (String file : List.of("ca.pem", "web.pem", "web.key")) {
            java.nio.file.Files.writeString(dir.resolve(file), "PEM");
        }
        RegisterConfig config = RegisterConfig.parse(one("ca", dir.resolve("ca.pem").toString(), "cert", dir.resolve("web.pem").toString(),
                "key", dir.resolve("web.key").toString()));
        assertEquals(dir.resolve("web.pem"), config.tls().cert());
        assertEquals(dir.resolve("ca.pem"), config.tls().ca());
        assertEquals("--cert/--key (cert=" + dir.resolve("web.pem") + ", key=null) need --ca too: the CA that signs the nodes' certificates",
                refused(one("cert", dir.resolve("web.pem").toString())));
        assertEquals("CA file " + dir.resolve("nope.pem") + " is not a readable file", refused(one("ca", dir.resolve("nope.pem").toString())));
    }

    @Test
    void aBearerTokenIsTheFirstLineOfTheFileTheKeyTokenFileNames(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("web.token"), "  s3cret-token  \nignored\n");
        RegisterConfig config = RegisterConfig.parse(one("tokenFile", file.toString()));
        assertEquals("s3cret-token", config.token().token());
        assertEquals("the token in " + file, config.token().toString(), "a logged configuration names the file, not the token");
        assertTrue(!config.toString().contains("s3cret"), config.toString());
        java.nio.file.Path empty = java.nio.file.Files.writeString(dir.resolve("empty.token"), "\n");
        assertEquals("tokenFile " + empty + ": the file is empty; it holds the token on its first line", refused(one("tokenFile", empty.toString())));
        assertTrue(refused(one("tokenFile", dir.resolve("nope.token").toString())).startsWith("tokenFile " + dir.resolve("nope.token")
                + ": cannot read it ("));
    }
}
