package io.signalbox.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TlsOptionsTest {
    @TempDir
    Path dir;

    @CommandLine.Command(name = "probe")
    static final class Probe {
        @CommandLine.Mixin
        TlsOptions tls;
    }

    @Test
    void theThreeFlagsBuildTheClientsFilesAndTheAgentsKeys() {
        DevCertificates.CreatedSet set = DevCertificates.createSet(dir, 3, List.of("ctl"), List.of(), Duration.ofDays(1));
        TlsFiles ctl = set.files("ctl");
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs("--ca", ctl.ca().toString(), "--cert", ctl.cert().toString(), "--key", ctl.key().toString());
        assertEquals(ctl, probe.tls.files());
        assertEquals(Map.of("ca", ctl.ca().toString(), "cert", ctl.cert().toString(), "key", ctl.key().toString()), probe.tls.values());
    }
}
