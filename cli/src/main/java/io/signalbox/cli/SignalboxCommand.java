package io.signalbox.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code signalbox <command> ...}: the single entry point of the runnable jar. */
@Command(name = "signalbox",
        mixinStandardHelpOptions = true,
        version = "signalbox 0.1.0-SNAPSHOT",
        description = "Coordination service for load-balancer configuration, replicated with ZAB.",
        subcommands = {DemoCommand.class, ServerCommand.class, ClusterCommand.class, CtlCommand.class, SyncCommand.class,
            RegisterCommand.class, SimulateCommand.class, ChaosCommand.class, BenchCommand.class, CertsCommand.class, CommandLine.HelpCommand.class})
public final class SignalboxCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    static CommandLine newCommandLine() {
        return new CommandLine(new SignalboxCommand());
    }
}
