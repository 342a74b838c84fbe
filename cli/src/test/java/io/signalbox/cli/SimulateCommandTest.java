package io.signalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SimulateCommandTest {
    private final CliRun cli = new CliRun();
    private final java.io.StringWriter out = cli.out;
    private final java.io.StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    private String lastLine() {
        List<String> lines = out.toString().lines().toList();
        return lines.get(lines.size() - 1);
    }

    @Test
    void cleanSeedsExitZeroAndEndWithTheSummaryLine() {
        assertEquals(0, run("simulate", "--seeds", "5", "--seed", "100", "--nodes", "5", "--ticks", "500"));
        assertTrue(lastLine().matches("seeds=5 violations=0 ticks=\\d+ commits=\\d+ client_ops=[1-9]\\d* elapsed_ms=\\d+ ticks_per_s=\\d+ seeds_per_min=\\d+"),
                lastLine());
    }

    @Test
    void aBugSwitchIsCaughtExitsOneAndPrintsHowToReproduce() {
        assertEquals(1, run("simulate", "--seeds", "50", "--seed", "1", "--bug", "skip-truncate", "--stop-at-first"));
        String output = out.toString();
        java.util.regex.Matcher violation = java.util.regex.Pattern.compile("VIOLATION seed=(\\d+) invariant=").matcher(output);
        assertTrue(violation.find(), output);
        String seed = violation.group(1);
        assertTrue(output.contains("reproduce: ./signalbox simulate --seed " + seed + " --nodes 3 --ticks 3000 --bug skip-truncate"), output);
        assertTrue(output.contains("last events:"), output);
        assertTrue(output.contains("violations=1"), "it stopped at the first: " + output);
    }

    @Test
    void oneSeedTwiceGivesTheSameTraceDigest() {
        run("simulate", "--seed", "42", "--ticks", "800");
        String first = out.toString().lines().filter(l -> l.startsWith("seed=42")).findFirst().orElseThrow();
        out.getBuffer().setLength(0);
        run("simulate", "--seed", "42", "--ticks", "800");
        String second = out.toString().lines().filter(l -> l.startsWith("seed=42")).findFirst().orElseThrow();
        assertEquals(first.replaceAll("elapsed_ms=\\d+", ""), second.replaceAll("elapsed_ms=\\d+", ""));
    }

    @Test
    void badValuesAreRefusedWithTheValueAndWhatIsAllowed() {
        assertEquals(2, run("simulate", "--nodes", "4"));
        assertTrue(err.toString().contains("--nodes must be 3, 5 or 7, got 4"), err.toString());
        assertEquals(2, run("simulate", "--bug", "nope"));
        assertTrue(err.toString().contains("unknown bug switch 'nope'; allowed: ack-newleader-before-persist"), err.toString());
        assertEquals(2, run("simulate", "--seeds", "0"));
        assertTrue(err.toString().contains("--seeds must be in 1..10000000, got 0"), err.toString());
    }

    @Test
    void aDiagramIsDrawnForOneSeedAndRefusedForMany(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path svg = dir.resolve("seed-11.svg");
        assertEquals(0, run("simulate", "--seed", "11", "--diagram", svg.toString()));
        assertTrue(out.toString().contains("diagram=" + svg), out.toString());
        String chart = java.nio.file.Files.readString(svg);
        assertTrue(chart.startsWith("<svg ") && chart.contains("LEADING leader=3 epoch=1 established"), chart.substring(0, 200));
        assertEquals(2, run("simulate", "--seeds", "3", "--seed", "1", "--diagram", dir.resolve("many.svg").toString()));
        assertTrue(err.toString().contains("--diagram draws one seed: give --seed N without --seeds"), err.toString());
        assertTrue(!java.nio.file.Files.exists(dir.resolve("many.svg")));
    }
}
