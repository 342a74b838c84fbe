package io.signalbox.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code signalbox ctl [--connect ...] SUBCOMMAND ...}: the operator's client. Tables by default,
 * {@code --json} for scripts. The shared options ({@link ConnectionOptions}) are inherited by
 * every subcommand; each verb is a class of its own with only its own options.
 */
@Command(name = "ctl", mixinStandardHelpOptions = true,
        description = {"Talks to a running cluster: its services and servers, its configuration now or as of a zxid, "
            + "its history and event stream, and the status of its members and sync agents.",
            "The options below may stand before or after the subcommand."},
        subcommands = {ServiceCommands.class, ServerCommands.class, ReadCommands.Config.class, ReadCommands.History.class,
            ReadCommands.Watch.class, StatusCommand.class, AclCommands.class, MemberCommands.class},
        footerHeading = "%nExamples:%n",
        footer = {"  signalbox ctl status",
            "  export SIGNALBOX_CONNECT=10.0.0.1:7100,10.0.0.2:7100,10.0.0.3:7100",
            "  signalbox ctl server ls web --json",
            "  signalbox ctl --connect 127.0.0.1:7101 server drain web web-3",
            "  signalbox ctl --cert ops.pem --key ops.key --ca ca.pem acl ls",
            "  signalbox ctl member add 4 --peer 10.0.0.4:7200 --client 10.0.0.4:7100",
            "  signalbox ctl SUBCOMMAND --help     (each subcommand's options and examples)",
            "Exit status: 0 done, 1 refused or failed (the reason is printed), 2 bad usage."})
public final class CtlCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Override
    public void run() {
        throw missingSubcommand(spec);
    }

    /** {@code ctl} or a group ({@code ctl server}) without its verb: a usage error listing the verbs. */
    static ParameterException missingSubcommand(CommandSpec group) {
        return new ParameterException(group.commandLine(), "Missing subcommand: one of " + String.join(", ", group.subcommands().keySet()));
    }
}
