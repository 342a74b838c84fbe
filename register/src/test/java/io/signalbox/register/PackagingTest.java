package io.signalbox.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.testkit.Launch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The systemd unit template and the example configuration stay in step with the code they run. */
class PackagingTest {
    private static final Path SYSTEMD = Path.of("..", "packaging", "systemd");

    private static String unit() throws Exception {
        return Files.readString(SYSTEMD.resolve("signalbox-register@.service"));
    }

    private static String value(String unit, String key) {
        Matcher m = Pattern.compile("^" + key + "=(.*)$", Pattern.MULTILINE).matcher(unit);
        assertTrue(m.find(), key + " is in the unit");
        return m.group(1).strip();
    }

    @Test
    void theExampleConfigurationIsValid() throws Exception {
        RegisterConfig config = RegisterConfig.parse(RegisterMain.readFile(SYSTEMD.resolve("web-4.conf.example")));
        assertEquals(List.of("web/web-4", "web-admin/web-4-admin"), config.registrations().stream().map(Registration::key).toList());
        assertEquals(7390, config.statusAddress().port());
    }

    @Test
    void theUnitRunsRegisterMainAndWaitsLongerThanADrain() throws Exception {
        String unit = unit();
        String exec = value(unit, "ExecStart");
        assertTrue(exec.contains(" " + RegisterMain.class.getName() + " --config /etc/signalbox/register/%i.conf"), exec);
        long stopSeconds = Long.parseLong(value(unit, "TimeoutStopSec"));
        long drainMs = RegisterConfig.parse(RegisterMain.readFile(SYSTEMD.resolve("web-4.conf.example"))).drainTimeoutMs();
        assertTrue(stopSeconds * 1_000 > drainMs + 5_000, "TimeoutStopSec " + stopSeconds + " s leaves time to drain " + drainMs
                + " ms and close the session before systemd's SIGKILL");
        assertEquals("SIGTERM", value(unit, "KillSignal"));
    }

    @Test
    void aBadConfigurationExitsWithTheCodeTheUnitDoesNotRestart(@org.junit.jupiter.api.io.TempDir Path directory) throws Exception {
        String unit = unit();
        Matcher javaOpts = Pattern.compile("^Environment=\"JAVA_OPTS=(.*)\"$", Pattern.MULTILINE).matcher(unit);
        assertTrue(javaOpts.find(), "JAVA_OPTS is in the unit");
        Path config = directory.resolve("bad.conf");
        Files.writeString(config, "registration.web-4.service=web\nregistration.web-4.address=web4.internal\nregistration.web-4.port=80\n");
        List<String> command = new ArrayList<>(Launch.java("64m"));
        command.remove(1); // the unit's own heap flag comes with its options
        command.addAll(1, List.of(javaOpts.group(1).split(" ")));
        command.addAll(List.of(RegisterMain.class.getName(), "--config", config.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exits at once");
        assertEquals(value(unit, "RestartPreventExitStatus"), String.valueOf(process.exitValue()), output);
        assertTrue(output.contains("registration.web-4.address: \"web4.internal\" is not an IP literal"), output);
    }
}
