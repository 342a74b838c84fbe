package io.signalbox.cli;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.SignalboxClient;
import io.signalbox.common.Zxid;
import io.signalbox.protocol.ClientReply;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.HostPort;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.ReadResult;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.protocol.StatusResult;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.state.Command;
import io.signalbox.state.Configuration;
import io.signalbox.state.EventText;
import io.signalbox.state.HealthCheck;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code signalbox ctl --connect HOST:PORT,... VERB ...}: the operator's client. Tables by
 * default, {@code --json} for scripts; an error prints its reason and exits 1 (2 for bad
 * usage).
 */
@CommandLine.Command(name = "ctl", mixinStandardHelpOptions = true,
        description = "Talks to a running cluster: service put|rm|get|ls, server add|set|drain|maint|ready|rm|ls, "
                + "config [--at ZXID], history [--from ZXID], watch [--from ZXID], status.")
public final class CtlCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--connect", defaultValue = "127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103",
            description = "client addresses of any nodes (default: ${DEFAULT-VALUE}, the demo's)")
    String connect;

    @Option(names = "--json", description = "print JSON instead of tables")
    boolean json;

    @Option(names = "--local", description = "reads: LOCAL (this node's applied state) instead of LINEARIZABLE")
    boolean local;

    @Option(names = "--timeout-ms", defaultValue = "15000", description = "give up after this long (default: ${DEFAULT-VALUE})")
    int timeoutMs;

    @Parameters(index = "0", description = "service, server, config, history, watch or status")
    String noun;

    @Parameters(index = "1..*", arity = "0..*", description = "the verb and its arguments")
    List<String> words = new ArrayList<>();

    @Option(names = "--mode", defaultValue = "http") String mode;
    @Option(names = "--port") Integer port;
    @Option(names = "--balance", defaultValue = "roundrobin") String balance;
    @Option(names = "--health-path", description = "HTTP health check path (default: TCP check)") String healthPath;
    @Option(names = "--no-health-check") boolean noHealthCheck;
    @Option(names = "--timeouts-ms", defaultValue = "5000", description = "connect, client and server timeouts of a service") int serviceTimeoutsMs;
    @Option(names = "--address") String address;
    @Option(names = "--weight") Integer weight;
    @Option(names = "--state", defaultValue = "ready") String state;
    @Option(names = "--backup") boolean backup;
    @Option(names = "--label") Map<String, String> labels = new LinkedHashMap<>();
    @Option(names = "--cascade") boolean cascade;
    @Option(names = "--expect-version") String expectVersion;
    @Option(names = "--at") String at;
    @Option(names = "--from", defaultValue = "0") String from;
    @Option(names = "--limit", defaultValue = "100") int limit;
    @Option(names = "--service", description = "watch: only this service (repeatable)") List<String> services = new ArrayList<>();
    @Option(names = "--count", description = "watch: exit after this many entries") Integer count;

    private PrintWriter out;

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClientOptions options;
        try {
            options = ClientOptions.of(HostPort.parseList(connect)).withRetryDeadlineMs(timeoutMs);
        } catch (IllegalArgumentException e) {
            err.println("signalbox ctl: --connect: " + e.getMessage());
            return 2;
        }
        try (SignalboxClient client = new SignalboxClient(options)) {
            return run(client);
        } catch (SignalboxException e) {
            err.println("signalbox ctl: " + e.code() + ": " + e.getMessage());
            return 1;
        } catch (UsageException | IllegalArgumentException e) {
            err.println("signalbox ctl: " + e.getMessage());
            return 2;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private int run(SignalboxClient client) {
        String verb = words.isEmpty() ? "" : words.get(0);
        switch (noun) {
            case "service":
                return service(client, verb);
            case "server":
                return server(client, verb);
            case "config":
                return printConfig(at == null ? client.read(consistency(), "") : client.readAt(parseZxid("--at", at)), null);
            case "history":
                return history(client);
            case "watch":
                return watch(client);
            case "status":
                return status(client);
            default:
                throw new UsageException("unknown noun \"" + noun + "\"; use service, server, config, history, watch or status");
        }
    }

    private int service(SignalboxClient client, String verb) {
        switch (verb) {
            case "put": {
                HealthCheck health = noHealthCheck ? null : new HealthCheck(healthPath == null ? "" : healthPath, 2000, 2, 3);
                return committed(client.submit(new Command.PutService(arg(1, "NAME"), mode, required("--port", port), balance, health,
                        serviceTimeoutsMs, serviceTimeoutsMs * 6, serviceTimeoutsMs * 6, expected())));
            }
            case "rm":
                return committed(client.submit(new Command.RemoveService(arg(1, "NAME"), cascade, expected())));
            case "get":
                return printConfig(client.read(consistency(), arg(1, "NAME")), arg(1, "NAME"));
            case "ls":
                return printConfig(client.read(consistency(), ""), null);
            default:
                throw new UsageException("service verbs: put NAME --port P [--mode http|tcp] [--balance B] [--health-path P], "
                        + "rm NAME [--cascade], get NAME, ls");
        }
    }

    private int server(SignalboxClient client, String verb) {
        switch (verb) {
            case "add":
                return committed(client.submit(new Command.RegisterServer(arg(1, "SERVICE"), arg(2, "NAME"),
                        required("--address", address), required("--port", port), weight == null ? 1 : weight, state, backup,
                        labels, 0, expected())));
            case "set":
                return committed(client.submit(new Command.SetWeight(arg(1, "SERVICE"), arg(2, "NAME"), required("--weight", weight), expected())));
            case "drain":
            case "maint":
            case "ready":
                return committed(client.submit(new Command.SetState(arg(1, "SERVICE"), arg(2, "NAME"), verb, expected())));
            case "rm":
                return committed(client.submit(new Command.DeregisterServer(arg(1, "SERVICE"), arg(2, "NAME"), expected())));
            case "ls":
                return printConfig(client.read(consistency(), words.size() > 1 ? words.get(1) : ""), null);
            default:
                throw new UsageException("server verbs: add SERVICE NAME --address IP --port P [--weight W] [--state S] [--backup] "
                        + "[--label k=v], set SERVICE NAME --weight W, drain|maint|ready SERVICE NAME, rm SERVICE NAME, ls [SERVICE]");
        }
    }

    private int committed(ClientReply response) {
        if (json) {
            out.println("{\"zxid\":\"" + Zxid.format(response.zxid()) + "\"}");
        } else {
            out.println("ok: committed at zxid " + Zxid.format(response.zxid()));
        }
        return 0;
    }

    private int printConfig(ReadResult response, String onlyService) {
        Configuration configuration = response.configuration();
        if (onlyService != null && configuration.services().isEmpty()) {
            throw new SignalboxException(ErrorCode.INVALID, "service \"" + onlyService + "\" does not exist", "name");
        }
        out.print(CtlTables.configuration(configuration, json));
        return 0;
    }

    private int history(SignalboxClient client) {
        for (StreamEntry entry : client.history(parseZxid("--from", from), limit).entries()) {
            printEntry(entry);
        }
        return 0;
    }

    private int watch(SignalboxClient client) {
        CountDownLatch done = new CountDownLatch(count == null ? Integer.MAX_VALUE : count);
        try (var subscription = client.subscribe(parseZxid("--from", from), services, new io.signalbox.client.Subscription.Listener() {
            @Override
            public void onSnapshot(long zxid, Configuration configuration) {
                out.print(CtlTables.configuration(configuration, json));
                out.flush();
            }

            @Override
            public void onEntry(StreamEntry entry) {
                if (entry.events().isEmpty()) {
                    return; // a progress marker: none of the watched services' events
                }
                printEntry(entry);
                out.flush();
                done.countDown();
            }
        })) {
            while (!done.await(1, TimeUnit.SECONDS)) {
                if (count != null && Thread.currentThread().isInterrupted()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private void printEntry(StreamEntry entry) {
        List<String> texts = new ArrayList<>();
        for (var event : entry.events()) {
            texts.add(EventText.describe(event));
        }
        if (json) {
            StringBuilder line = new StringBuilder("{\"zxid\":\"").append(Zxid.format(entry.zxid())).append("\",\"events\":[");
            for (int i = 0; i < texts.size(); i++) {
                line.append(i == 0 ? "" : ",").append(io.signalbox.common.Json.quote(texts.get(i)));
            }
            out.println(line.append("]}"));
        } else {
            out.println(Zxid.format(entry.zxid()) + "  " + String.join("; ", texts));
        }
    }

    private int status(SignalboxClient client) {
        StatusResult local = client.status();
        List<Member> rows = new ArrayList<>();
        for (Member member : local.members()) {
            rows.add(memberStatus(client, member));
        }
        out.print(CtlTables.status(rows, local, json));
        return 0;
    }

    /** Each member reports itself; an unreachable one is shown as such. */
    private Member memberStatus(SignalboxClient via, Member member) {
        ClientOptions one = ClientOptions.of(List.of(HostPort.parse(member.clientAddress()))).withRetryDeadlineMs(1_000)
                .withRequestTimeoutMs(1_000);
        try (SignalboxClient client = new SignalboxClient(one)) {
            Member self = client.status().member(member.id());
            if (self != null) {
                return self;
            }
        } catch (SignalboxException e) {
            // falls through: unreachable
        }
        return new Member(member.id(), member.peerAddress(), member.clientAddress(), member.adminAddress(), "UNREACHABLE", 0, 0, 0, 0,
                0, false, false);
    }

    private Consistency consistency() {
        return local ? Consistency.LOCAL : Consistency.LINEARIZABLE;
    }

    private Long expected() {
        return expectVersion == null ? null : parseZxid("--expect-version", expectVersion);
    }

    private String arg(int index, String name) {
        if (words.size() <= index) {
            throw new UsageException(noun + " " + words.get(0) + ": missing " + name);
        }
        return words.get(index);
    }

    private <T> T required(String option, T value) {
        if (value == null) {
            throw new UsageException(noun + " " + words.get(0) + ": " + option + " is required");
        }
        return value;
    }

    /** A zxid as printed ({@code epoch:counter}) or as a plain number. */
    static long parseZxid(String option, String text) {
        try {
            int colon = text.indexOf(':');
            if (colon > 0) {
                return Zxid.of(Long.parseLong(text.substring(0, colon)), Long.parseLong(text.substring(colon + 1)));
            }
            return Long.parseLong(text);
        } catch (RuntimeException e) {
            throw new UsageException(option + " " + text + ": a zxid is EPOCH:COUNTER (as printed) or a number");
        }
    }
}
