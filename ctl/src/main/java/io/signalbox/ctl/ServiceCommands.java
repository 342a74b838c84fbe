package io.signalbox.ctl;

import io.signalbox.client.SignalboxClient;
import io.signalbox.state.Command.PutService;
import io.signalbox.state.Command.RemoveService;
import io.signalbox.state.HealthCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ctl service put|rm|get|ls}: the services a proxy listens for. */
@Command(name = "service", mixinStandardHelpOptions = true,
        description = "Creates, changes, removes and shows services (a proxy's listener and its balancing).",
        subcommands = {ServiceCommands.Put.class, ServiceCommands.Rm.class, ServiceCommands.Get.class, ServiceCommands.Ls.class})
final class ServiceCommands implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw CtlCommand.missingSubcommand(spec);
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = "Creates the service, or replaces its settings (its servers stay).",
            footerHeading = "%nExamples:%n",
            footer = {"  signalbox ctl service put web --port 8080 --health-path /healthz",
                "  signalbox ctl service put db --mode tcp --port 5432 --balance leastconn"})
    static final class Put extends CtlVerb.Write {
        @Parameters(paramLabel = "NAME", description = "The service's name: a lower-case letter, then up to 62 of a-z, 0-9, '_' and '-'.")
        String name;

        @Option(names = "--port", required = true, paramLabel = "PORT", description = "The port the proxies listen on for it.")
        int port;

        @Option(names = "--mode", paramLabel = "MODE", defaultValue = "http", completionCandidates = CtlValues.Modes.class, converter = CtlValues.Modes.class,
                description = "http or tcp (default: ${DEFAULT-VALUE}).")
        String mode;

        @Option(names = "--balance", paramLabel = "ALGORITHM", defaultValue = "roundrobin", completionCandidates = CtlValues.Balances.class,
                converter = CtlValues.Balances.class, description = "One of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        String balance;

        @Option(names = "--health-path", paramLabel = "PATH",
                description = "Check each server with an HTTP GET of this path (default: a TCP connect check).")
        String healthPath;

        @Option(names = "--no-health-check", description = "No health check at all: every server counts as up.")
        boolean noHealthCheck;

        @Option(names = "--timeouts-ms", paramLabel = "MS", defaultValue = "5000",
                description = "The proxies' connect timeout; their client and server timeouts are 6 times this (default: ${DEFAULT-VALUE}).")
        int timeoutsMs;

        @Override
        void checkUsage() {
            if (noHealthCheck && healthPath != null) {
                throw new ParameterException(spec.commandLine(), "--health-path " + healthPath + " and --no-health-check: choose one");
            }
        }

        @Override
        int run(SignalboxClient client) {
            HealthCheck health = noHealthCheck ? null : new HealthCheck(healthPath == null ? "" : healthPath, 2000, 2, 3);
            return committed(client.submit(new PutService(name, mode, port, balance, health, timeoutsMs, timeoutsMs * 6, timeoutsMs * 6,
                    expectVersion)));
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Removes the service.",
            footerHeading = "%nExamples:%n", footer = {"  signalbox ctl service rm web --cascade"})
    static final class Rm extends CtlVerb.Write {
        @Parameters(paramLabel = "NAME", description = "The service to remove.")
        String name;

        @Option(names = "--cascade", description = "Remove its servers too; without it, a service that has servers is refused.")
        boolean cascade;

        @Override
        int run(SignalboxClient client) {
            return committed(client.submit(new RemoveService(name, cascade, expectVersion)));
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Shows one service and its servers.",
            footerHeading = "%nExamples:%n", footer = {"  signalbox ctl service get web --json"})
    static final class Get extends CtlVerb {
        @Parameters(paramLabel = "NAME", description = "The service to show.")
        String name;

        @Override
        int run(SignalboxClient client) {
            return printConfig(client.read(connection.consistency(), name), name);
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "Shows every service and its servers.",
            footerHeading = "%nExamples:%n", footer = {"  signalbox ctl service ls --local"})
    static final class Ls extends CtlVerb {
        @Override
        int run(SignalboxClient client) {
            return printConfig(client.read(connection.consistency(), ""), null);
        }
    }
}
