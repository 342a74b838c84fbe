package io.signalbox.ctl;

import io.signalbox.client.SignalboxClient;
import io.signalbox.common.Json;
import io.signalbox.common.Zxid;
import io.signalbox.protocol.ClientReply;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.ReadResult;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.state.Configuration;
import io.signalbox.state.EventText;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * What every {@code ctl} verb shares: a client built from the {@link ConnectionOptions} of the
 * {@code ctl} above it, how results print, and the exit codes. A refusal by the cluster prints
 * {@code signalbox ctl: CODE: reason} and exits 1; bad usage is picocli's message and exit 2.
 */
abstract class CtlVerb implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    PrintWriter out;
    ConnectionOptions connection;

    /** The verb itself, with a connected client; returns the exit code. */
    abstract int run(SignalboxClient client);

    /** Checks that picocli cannot express (options that exclude each other), before any client exists. */
    void checkUsage() {}

    @Override
    public final Integer call() {
        connection = connectionOptions();
        checkUsage();
        out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (SignalboxClient client = new SignalboxClient(connection.clientOptions(spec.commandLine()))) {
            return run(client);
        } catch (SignalboxException e) {
            err.println("signalbox ctl: " + e.code() + ": " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private ConnectionOptions connectionOptions() {
        for (CommandSpec at = spec; at != null; at = at.parent()) {
            if (at.userObject() instanceof CtlCommand ctl) {
                return ctl.connection;
            }
        }
        throw new IllegalStateException(spec.qualifiedName() + " is not under a ctl command");
    }

    int committed(ClientReply reply) {
        if (connection.json) {
            out.println("{\"zxid\":\"" + Zxid.format(reply.zxid()) + "\"}");
        } else {
            out.println("ok: committed at zxid " + Zxid.format(reply.zxid()));
        }
        return 0;
    }

    /** The configuration read; with {@code onlyService}, that service must exist. */
    int printConfig(ReadResult result, String onlyService) {
        Configuration configuration = result.configuration();
        if (onlyService != null && configuration.services().isEmpty()) {
            throw new SignalboxException(ErrorCode.INVALID, "service \"" + onlyService + "\" does not exist", "name");
        }
        out.print(CtlTables.configuration(configuration, connection.json));
        return 0;
    }

    void printEntry(StreamEntry entry) {
        List<String> texts = new ArrayList<>();
        for (var event : entry.events()) {
            texts.add(EventText.describe(event));
        }
        if (connection.json) {
            StringBuilder line = new StringBuilder("{\"zxid\":\"").append(Zxid.format(entry.zxid())).append("\",\"identity\":")
                    .append(Json.quote(entry.identity())).append(",\"events\":[");
            for (int i = 0; i < texts.size(); i++) {
                line.append(i == 0 ? "" : ",").append(Json.quote(texts.get(i)));
            }
            out.println(line.append("]}"));
        } else {
            out.println(Zxid.format(entry.zxid()) + "  " + EventText.describe(entry.events(), entry.identity()));
        }
    }

    /** A write verb: conditional on the entity's version when --expect-version is given. */
    abstract static class Write extends CtlVerb {
        @Option(names = "--expect-version", paramLabel = "ZXID", converter = CtlValues.ZxidConverter.class,
                description = "Only if the entity's version (its VERSION column, the zxid of its last change) is still this; "
                        + "else CONFLICT and nothing changes.")
        Long expectVersion;
    }
}
