package io.signalbox.ctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code ctl} in-process, as {@code signalbox ctl ARGS} would, and keeps what it printed. */
final class CtlRun {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final int exit;

    CtlRun(String... args) {
        CommandLine ctl = new CommandLine(new CtlCommand());
        ctl.setOut(new PrintWriter(out));
        ctl.setErr(new PrintWriter(err));
        exit = ctl.execute(args);
    }

    @Override
    public String toString() {
        return "exit " + exit + "\nout: " + out + "\nerr: " + err;
    }
}
