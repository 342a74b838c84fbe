package io.signalbox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.server.LocalCluster;
import io.signalbox.server.NodeConfig;
import io.signalbox.state.Command;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status page as a real browser renders it: headless Chromium loads {@code /} and runs its script. */
class StatusPageBrowserTest {
    @TempDir
    Path directory;

    @Test
    void theStatusPageShowsEveryMemberAndTheServicesWithTheirServers() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assertTrue(Files.isExecutable(chromium), "this test needs Debian's chromium (apt-get install chromium; .ci/run does)");
        try (LocalCluster cluster = LocalCluster.start(3, 27_400, directory.resolve("data"))) {
            try (SignalboxClient client = SignalboxClient.connect(cluster.clientAddresses())) {
                client.submit(new Command.PutService("checkout", "http", 8443, "leastconn", null, 1000, 1000, 1000, null));
                client.submit(new Command.RegisterServer("checkout", "pay-1", "10.3.0.1", 443, 5, "ready", false, Map.of(), 0, null));
                client.submit(new Command.RegisterServer("checkout", "pay-2", "10.3.0.2", 443, 5, "drain", false, Map.of(), 0, null));
            }
            String url = "http://" + cluster.members().get(1).adminAddress() + "/";
            Process browser = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--user-data-dir=" + directory.resolve("profile"),
                    "--virtual-time-budget=5000", "--dump-dom", url)
                    .redirectError(directory.resolve("chromium.log").toFile()).start();
            byte[] dom = browser.getInputStream().readAllBytes();
            assertTrue(browser.waitFor(60, TimeUnit.SECONDS), "chromium finished");
            String page = new String(dom, StandardCharsets.UTF_8);
            assertTrue(page.contains("Signalbox"), log(page));
            assertEquals(3, count(page, "<tr class=\"member\">"), "one row per member:\n" + page);
            assertTrue(page.contains("LEADING") && page.contains("FOLLOWING"), "roles shown:\n" + page);
            assertTrue(page.contains("checkout (HTTP :8443, LEASTCONN"), "the service:\n" + page);
            assertTrue(page.contains("pay-1") && page.contains("10.3.0.1:443"), "its servers:\n" + page);
            assertTrue(page.contains("pay-2") && page.contains("DRAIN"), "and their states:\n" + page);
            for (NodeConfig.Member m : cluster.members()) {
                assertTrue(page.contains(m.clientAddress()), "member " + m.id());
            }
        }
    }

    private String log(String page) throws IOException {
        return page + "\n--- chromium stderr ---\n" + Files.readString(directory.resolve("chromium.log"));
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }

}
