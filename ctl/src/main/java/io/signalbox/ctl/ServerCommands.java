package io.signalbox.ctl;

import io.signalbox.client.SignalboxClient;
import io.signalbox.state.Command.DeregisterServer;
import io.signalbox.state.Command.RegisterServer;
import io.signalbox.state.Command.SetState;
import io.signalbox.state.Command.SetWeight;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ctl server add|set|drain|maint|ready|rm|ls}: the backends of a service. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Registers, changes, takes out, removes and shows a service's servers (its backends).",
        subcommands = {ServerCommands.Add.class, ServerCommands.Set.class, ServerCommands.Drain.class, ServerCommands.Maint.class,
            ServerCommands.Ready.class, ServerCommands.Rm.class, ServerCommands.Ls.class})
final class ServerCommands implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw CtlCommand.missingSubcommand(spec);
    }

    /** A write to one existing server: SERVICE NAME. */
    abstract static class OneServer extends CtlVerb.Write {
        @Parameters(index = "0", paramLabel = "SERVICE", description = "The service the server belongs to.")
        String service;

        @Parameters(index = "1", paramLabel = "NAME", description = "The server's name within the service.")
        String name;
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Registers a server, or replaces it: a permanent entry that only ctl removes "
                + "(a sidecar's `register` makes one that leaves with its session)."},
            footerHeading = "%nExamples:%n",
            footer = {"  signalbox ctl server add web web-4 --address 10.0.0.14 --port 8080",
                "  signalbox ctl server add web web-5 --address fd00::15 --port 8080 --weight 20 --state drain --label zone=b"})
    static final class Add extends OneServer {
        @Option(names = "--address", required = true, paramLabel = "IP",
                description = "The server's IP address, IPv4 or IPv6 (names are never resolved).")
        String address;

        @Option(names = "--port", required = true, paramLabel = "PORT", description = "The server's port.")
        int port;

        @Option(names = "--weight", paramLabel = "W", defaultValue = "1", description = "Its share of the traffic, 0..256 (default: ${DEFAULT-VALUE}).")
        int weight;

        @Option(names = "--state", paramLabel = "STATE", defaultValue = "ready", completionCandidates = CtlValues.ServerStates.class,
                converter = CtlValues.ServerStates.class,
                description = "ready (takes traffic), drain (finishes what it has) or maint (none) (default: ${DEFAULT-VALUE}).")
        String state;

        @Option(names = "--backup", description = "Takes traffic only while no other server of the service is up.")
        boolean backup;

        @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label for the operator's use; repeatable.")
        Map<String, String> labels = new LinkedHashMap<>();

        @Override
        int run(SignalboxClient client) {
            return committed(client.submit(new RegisterServer(service, name, address, port, weight, state, backup, labels, 0, expectVersion)));
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Changes a server's weight.",
            footerHeading = "%nExamples:%n", footer = {"  signalbox ctl server set web web-2 --weight 30"})
    static final class Set extends OneServer {
        @Option(names = "--weight", required = true, paramLabel = "W", description = "Its new share of the traffic, 0..256.")
        int weight;

        @Override
        int run(SignalboxClient client) {
            return committed(client.submit(new SetWeight(service, name, weight, expectVersion)));
        }
    }

    /** drain, maint, ready: the server's state, named by the subcommand. */
    abstract static class StateChange extends OneServer {
        @Override
        int run(SignalboxClient client) {
            return committed(client.submit(new SetState(service, name, spec.name(), expectVersion)));
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = "Drains a server: no new connections, the ones it has may finish.",
            footerHeading = "%nExamples:%n", footer = {"  signalbox ctl server drain web web-3"})
    static final class Drain extends StateChange {}

    @Command(name = "maint", mixinStandardHelpOptions = true,
            description = "Puts a server in maintenance: no traffic at all.",
            footerHeading = "%nExamples:%n", footer = {"  signalbox ctl server maint web web-3"})
    static final class Maint extends StateChange {}

    @Command(name = "ready", mixinStandardHelpOptions = true,
            description = "Makes a drained or maintained server take traffic again.",
            footerHeading = "%nExamples:%n", footer = {"  signalbox ctl server ready web web-3"})
    static final class Ready extends StateChange {}

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Removes a server.",
            footerHeading = "%nExamples:%n", footer = {"  signalbox ctl server rm web web-4"})
    static final class Rm extends OneServer {
        @Override
        int run(SignalboxClient client) {
            return committed(client.submit(new DeregisterServer(service, name, expectVersion)));
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "Shows the servers of one service, or of all.",
            footerHeading = "%nExamples:%n", footer = {"  signalbox ctl server ls", "  signalbox ctl server ls web --json"})
    static final class Ls extends CtlVerb {
        @Parameters(arity = "0..1", paramLabel = "SERVICE", description = "Only this service's servers (default: every service).")
        String service;

        @Override
        int run(SignalboxClient client) {
            return printConfig(client.read(connection.consistency(), service == null ? "" : service), null);
        }
    }
}
