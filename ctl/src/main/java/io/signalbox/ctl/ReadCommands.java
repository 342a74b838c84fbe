package io.signalbox.ctl;

import io.signalbox.client.SignalboxClient;
import io.signalbox.client.Subscription;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.state.Configuration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code ctl config}, {@code ctl history} and {@code ctl watch}: the configuration and the log behind it. */
final class ReadCommands {
    /** The nodes' own limit on one history read. */
    static final int LIMIT_MAX = 10_000;

    private ReadCommands() {}

    @Command(name = "config", mixinStandardHelpOptions = true,
            description = "Shows the whole configuration, now or as it was at a zxid still in the retained history.",
            footerHeading = "%nExamples:%n", footer = {"  signalbox ctl config", "  signalbox ctl config --at 1:42 --json"})
    static final class Config extends CtlVerb {
        @Option(names = "--at", paramLabel = "ZXID", converter = CtlValues.ZxidConverter.class,
                description = "The configuration as of this zxid (EPOCH:COUNTER as printed, or a number) instead of now.")
        Long at;

        @Override
        int run(SignalboxClient client) {
            return printConfig(at == null ? client.read(connection.consistency(), "") : client.readAt(at), null);
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "Prints the committed entries after a zxid, each with its events in words, then exits.",
            footerHeading = "%nExamples:%n", footer = {"  signalbox ctl history --from 0", "  signalbox ctl history --from 1:40 --limit 10"})
    static final class History extends CtlVerb {
        @Option(names = "--from", paramLabel = "ZXID", defaultValue = "0", converter = CtlValues.ZxidConverter.class,
                description = "Entries after this zxid (default: ${DEFAULT-VALUE}, from the start of the retained history).")
        long from;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
                description = "At most this many entries, 1.." + LIMIT_MAX + " (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        void checkUsage() {
            if (limit < 1 || limit > LIMIT_MAX) {
                throw new ParameterException(spec.commandLine(), "--limit " + limit + ": must be in 1.." + LIMIT_MAX);
            }
        }

        @Override
        int run(SignalboxClient client) {
            for (StreamEntry entry : client.history(from, limit).entries()) {
                printEntry(entry);
            }
            return 0;
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = {"Follows the event stream: every committed entry after a zxid, as it commits, until Ctrl-C "
                + "(or --count entries). A zxid older than the retained history first prints the configuration as of then. "
                + "It resumes by itself on another node when its node goes away."},
            footerHeading = "%nExamples:%n", footer = {"  signalbox ctl watch --from 0", "  signalbox ctl watch --service web --count 1 --json"})
    static final class Watch extends CtlVerb {
        @Option(names = "--from", paramLabel = "ZXID", defaultValue = "0", converter = CtlValues.ZxidConverter.class,
                description = "Entries after this zxid (default: ${DEFAULT-VALUE}).")
        long from;

        @Option(names = "--service", paramLabel = "SERVICE", description = "Only this service's events; repeatable (default: every service).")
        List<String> services = new ArrayList<>();

        @Option(names = "--count", paramLabel = "N", description = "Exit after this many entries (default: never).")
        Integer count;

        @Override
        void checkUsage() {
            if (count != null && count < 1) {
                throw new ParameterException(spec.commandLine(), "--count " + count + ": must be at least 1");
            }
        }

        @Override
        int run(SignalboxClient client) {
            CountDownLatch done = new CountDownLatch(count == null ? Integer.MAX_VALUE : count);
            Subscription subscription = client.subscribe(from, services, new Subscription.Listener() {
                @Override
                public void onSnapshot(long zxid, Configuration configuration) {
                    out.print(CtlTables.configuration(configuration, connection.json));
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
            });
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                subscription.close();
            }
            return 0;
        }
    }
}
