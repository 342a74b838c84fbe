package io.signalbox.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code signalbox <command> ...}: the single entry point of the runnable jar. */
@Command(name = "signalbox",
        mixinStandardHelpOptions = true,
        versionProvider = BuildVersion.class,
        description = "Coordination service for load-balancer configuration, replicated with ZAB.",
        subcommands = {DemoCommand.class, ServerCommand.class, ClusterCommand.class, io.signalbox.ctl.CtlCommand.class, SyncCommand.class,
            RegisterCommand.class, SimulateCommand.class, ChaosCommand.class, BenchCommand.class, CertsCommand.class, CommandLine.HelpCommand.class,
            AutoComplete.GenerateCompletion.class},
        footer = {"%nEvery command takes --help.", "Bash completion: source <(signalbox generate-completion)"})
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
        CommandLine commandLine = new CommandLine(new SignalboxCommand());
        commandLine.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(true);
        everyVersionIsTheBuilds(commandLine);
        return commandLine;
    }

    /** A subcommand's --version (generate-completion's included, which would print picocli's) is the jar's. */
    private static void everyVersionIsTheBuilds(CommandLine command) {
        command.getCommandSpec().versionProvider(new BuildVersion());
        for (CommandLine subcommand : command.getSubcommands().values()) {
            everyVersionIsTheBuilds(subcommand);
        }
    }
}
