package io.signalbox.chaos;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code chaos check DIR}: every checker again on a saved run (see {@link ChaosSaved}), starting
 * nothing, as Jepsen's analyze does; so a changed checker can be tried on old histories.
 */
public final class ChaosCheck {
    private ChaosCheck() {}

    /**
     * The verdict lines ("PASS ..." or "FAIL ..."), after one line saying what was read.
     *
     * @throws IllegalArgumentException naming the file that is missing or the line that does not parse
     */
    public static List<String> run(Path directory) throws IOException {
        ChaosSaved saved = ChaosSaved.load(directory);
        List<String> report = new ArrayList<>();
        report.add("chaos check " + directory + ": " + saved.operations().size() + " operations, " + saved.nemesisEvents().size()
                + " nemesis events, a final log of " + saved.log().size() + " entries, " + saved.nodeLogs().size() + " node logs");
        ChaosChecks.all(saved).forEach(v -> report.add(v.line()));
        return report;
    }

    /**
     * Prints {@link #run}'s lines and the verdict ("chaos check: PASS" or "... FAIL"); true when every check passed.
     *
     * @throws IllegalArgumentException as {@link #run}
     */
    public static boolean runAndPrint(Path directory, PrintWriter printer) throws IOException {
        List<String> report = run(directory);
        report.forEach(printer::println);
        boolean passed = passed(report);
        printer.println(passed ? "chaos check: PASS" : "chaos check: FAIL");
        printer.flush();
        return passed;
    }

    /** A report passes when none of its lines is a failed check. */
    static boolean passed(List<String> report) {
        return report.stream().noneMatch(line -> line.startsWith("FAIL"));
    }
}
