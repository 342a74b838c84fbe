package io.signalbox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.protocol.Member;
import io.signalbox.protocol.ProxyReport;
import io.signalbox.protocol.StatusResult;
import io.signalbox.server.LocalCluster;
import io.signalbox.server.NodeConfig;
import io.signalbox.state.Command;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page as a real browser renders it: headless Chromium loads {@code /} and runs its
 * script; for the charts it also takes a screenshot, whose pixels are checked for the lines.
 */
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

    /** The three charts' first line colours, as status.html draws them; no other part of the page uses them. */
    private static final int COMMITS_RGB = 0x1f77b4;
    private static final int LATENCY_RGB = 0xff7f0e;
    private static final int LAG_RGB = 0x2ca02c;
    /** A 2 px line over most of a 390 px wide plot covers far more; text in a near colour covers far fewer. */
    private static final int LINE_PIXELS_MIN = 150;
    private static final Duration HISTORY_WAIT_MAX = Duration.ofSeconds(30);

    @Test
    void theStatusPageChartsCommitRateLatencyAndEachProxysLag() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assertTrue(Files.isExecutable(chromium), "this test needs Debian's chromium (apt-get install chromium; .ci/run does)");
        try (LocalCluster cluster = LocalCluster.start(3, 27_430, directory.resolve("data"))) {
            NodeConfig.Member page = cluster.members().get(1);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            // Writes go to the page's node only (not straight to the leader): the latency chart shows the writes sent to that node.
            try (SignalboxClient client = new SignalboxClient(ClientOptions.of(page.clientAddress()).withCommandsToLeader(false))) {
                long firstZxid = client.submit(new Command.PutService("charts", "http", 8444, "roundrobin", null, 1000, 1000, 1000, null)).zxid();
                String leaderAdmin = leaderAdmin(client.status());
                long deadline = System.nanoTime() + HISTORY_WAIT_MAX.toNanos();
                int writes = 0;
                while (true) {
                    // A sync agent's report as agents send it, stuck at the first zxid: its lag grows with every write.
                    client.reportAsync(new ProxyReport("edge-lagging", "haproxy", List.of(), firstZxid, 0, "", 0, 0, 0)).get(5, TimeUnit.SECONDS);
                    for (int i = 0; i < 20; i++, writes++) {
                        client.submit(new Command.RegisterServer("charts", "s" + (writes % 50), "10.4.0." + (1 + writes % 50), 80,
                                1 + writes % 7, "ready", false, Map.of(), 0, null));
                    }
                    String local = get(http, page.adminAddress());
                    String leader = get(http, leaderAdmin);
                    if (numbers(local, "commitsPerSecond").stream().filter(v -> v > 0).count() >= 5
                            && numbers(local, "commitLatencyP99Ms").size() >= 5 && numbers(leader, "lagEntries").size() >= 5) {
                        break;
                    }
                    assertTrue(System.nanoTime() < deadline, "five seconds of history within " + HISTORY_WAIT_MAX + "; after "
                            + writes + " writes:\nthis node " + local + "\nleader " + leader);
                }
            }
            String url = "http://" + page.adminAddress() + "/";
            String dom = new String(chromium(chromium, "dom", "--dump-dom", url), StandardCharsets.UTF_8);
            for (String chart : List.of("chart-commits", "chart-latency", "chart-lag")) {
                Matcher points = Pattern.compile("id=\"" + chart + "\"[^>]*data-points=\"(\\d+)\"").matcher(dom);
                assertTrue(points.find() && Integer.parseInt(points.group(1)) >= 5, chart + " plots the samples:\n" + dom);
            }
            Matcher lagPath = Pattern.compile("<path d=\"(M[^\"]*)\"[^>]*data-name=\"edge-lagging \\(haproxy\\)\"").matcher(dom);
            assertTrue(lagPath.find() && count(lagPath.group(1), "L") >= 4, "the agent's lag is a line of its samples:\n" + dom);
            assertTrue(dom.contains("edge-lagging (haproxy)"), "the lag chart's legend names the agent");

            // Under target/ so a failed run leaves the picture to look at.
            Path png = Path.of("target", "status-page-charts.png").toAbsolutePath();
            Files.createDirectories(png.getParent());
            Files.deleteIfExists(png);
            chromium(chromium, "screenshot", "--screenshot=" + png, "--window-size=1440,1000", url);
            BufferedImage image = ImageIO.read(png.toFile());
            assertTrue(image != null, "chromium wrote a PNG at " + png);
            for (int rgb : new int[] {COMMITS_RGB, LATENCY_RGB, LAG_RGB}) {
                int pixels = pixelsNear(image, rgb);
                assertTrue(pixels >= LINE_PIXELS_MIN, String.format("the screenshot shows the line of colour #%06x: %d pixels of it,"
                        + " at least %d expected (kept at %s)", rgb, pixels, LINE_PIXELS_MIN, png));
            }
        }
    }

    private byte[] chromium(Path chromium, String run, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + directory.resolve("profile-" + run),
                "--virtual-time-budget=5000"));
        command.addAll(Arrays.asList(arguments));
        Process browser = new ProcessBuilder(command).redirectError(directory.resolve("chromium-" + run + ".log").toFile()).start();
        byte[] out = browser.getInputStream().readAllBytes();
        if (!browser.waitFor(60, TimeUnit.SECONDS)) {
            browser.destroyForcibly();
            throw new AssertionError("chromium (" + run + ") did not finish in 60 s");
        }
        return out;
    }

    private static String leaderAdmin(StatusResult status) {
        int leaderId = status.members().stream().filter(m -> m.id() == status.nodeId()).mapToInt(Member::leaderId).findFirst()
                .orElseThrow(() -> new AssertionError("the node is not among its members: " + status));
        return status.members().stream().filter(m -> m.id() == leaderId).map(Member::adminAddress).findFirst()
                .orElseThrow(() -> new AssertionError("no leader " + leaderId + " among the members of " + status));
    }

    private static String get(HttpClient http, String adminAddress) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + adminAddress + "/metrics/history"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The non-null numbers of every array named {@code key} in a history document. */
    private static List<Double> numbers(String json, String key) {
        List<Double> values = new ArrayList<>();
        Matcher arrays = Pattern.compile("\"" + key + "\":\\[([^\\]]*)\\]").matcher(json);
        while (arrays.find()) {
            for (String v : arrays.group(1).split(",")) {
                if (!v.isEmpty() && !v.equals("null")) {
                    values.add(Double.parseDouble(v));
                }
            }
        }
        return values;
    }

    private static int pixelsNear(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                int distance = Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff)) + Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff))
                        + Math.abs((p & 0xff) - (rgb & 0xff));
                if (distance <= 30) {
                    count++;
                }
            }
        }
        return count;
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
