package io.signalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code signalbox register} as a user types it: flags become the sidecar's keys, and bad input stops it before it starts (exit 2). */
class RegisterCommandTest {
    /** Runs the command and returns its exit code and what it printed on standard error. */
    private static String[] run(String... args) {
        PrintStream before = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = new CliRun().run(args);
            return new String[] {String.valueOf(exit), err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(before);
        }
    }

    @Test
    void anAddressThatIsNotAnIpLiteralIsRefusedNamingTheFlagsKey() {
        String[] result = run("register", "--service", "web", "--name", "web-4", "--address", "web4.internal", "--port", "8000");
        assertEquals("2", result[0]);
        assertTrue(result[1].contains("signalbox register: registration.web-4.address: \"web4.internal\" is not an IP literal"), result[1]);
    }

    @Test
    void aRemoteCheckUrlAndAMissingNameAreRefused() {
        String[] remote = run("register", "--service", "web", "--name", "web-4", "--address", "10.0.1.4", "--port", "8000",
                "--check", "http://10.9.9.9:8000/healthz");
        assertEquals("2", remote[0]);
        assertTrue(remote[1].contains("which is neither loopback (127.0.0.0/8, ::1) nor the backend's own address 10.0.1.4"), remote[1]);
        String[] unnamed = run("register", "--service", "web", "--address", "10.0.1.4", "--port", "8000");
        assertEquals("2", unnamed[0]);
        assertTrue(unnamed[1].contains("--name is required"), unnamed[1]);
    }
}
