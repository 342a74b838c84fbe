package io.signalbox.ctl;

import io.signalbox.client.ClientOptions;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.HostPort;
import io.signalbox.tls.TlsFiles;
import io.signalbox.tls.TlsOptions;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine;

/**
 * How {@code ctl} reaches the cluster and how it prints: the options every {@code ctl}
 * subcommand shares. Mixed into {@link CtlCommand} with {@link ScopeType#INHERIT}, so they may
 * stand before or after the subcommand ({@code ctl --json server ls} and {@code ctl server ls
 * --json} alike) and always land here. Options for how to connect (TLS files, tokens) belong
 * here too, each with its {@code SIGNALBOX_*} environment default, and go into
 * {@link #clientOptions(CommandLine)}.
 */
public final class ConnectionOptions {
    /** The demo's and {@code cluster}'s client addresses, the default when the environment names none. */
    public static final String DEMO_ADDRESSES = "127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103";
    /** Read like etcdctl's ETCDCTL_ENDPOINTS: the addresses to use when --connect is not given. */
    public static final String CONNECT_ENVIRONMENT = "SIGNALBOX_CONNECT";

    @Option(names = "--connect", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT,...", converter = AddressesConverter.class,
            defaultValue = "${env:" + CONNECT_ENVIRONMENT + ":-" + DEMO_ADDRESSES + "}",
            description = "Client addresses of any of the cluster's nodes, comma-separated; one that answers is enough. "
                    + "Default: the environment's " + CONNECT_ENVIRONMENT + ", else the demo's; now ${DEFAULT-VALUE}.")
    Addresses connect;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print one JSON document (a line per entry for history and watch) "
            + "instead of tables, for scripts.")
    boolean json;

    @Option(names = "--local", scope = ScopeType.INHERIT, description = "Reads: LOCAL, the answering node's applied state (fast, "
            + "may be behind), instead of LINEARIZABLE (confirmed by the leader with a quorum).")
    boolean local;

    @Option(names = "--timeout-ms", scope = ScopeType.INHERIT, paramLabel = "MS", defaultValue = "15000",
            description = "Give up on a request after this long, retries on other nodes included (default: ${DEFAULT-VALUE}).")
    int timeoutMs;

    /** Read like --ca: the token file to use when --token-file is not given. */
    public static final String TOKEN_FILE_ENVIRONMENT = io.signalbox.client.TokenFile.ENVIRONMENT;

    @Option(names = "--token-file", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "${env:" + TOKEN_FILE_ENVIRONMENT + "}",
            description = "A file holding a bearer token (one line) that a node's auth.token.NAME knows: requests then act as NAME "
                    + "instead of the client certificate's CN. Default: the environment's " + TOKEN_FILE_ENVIRONMENT + ", else none.")
    Path tokenFile;

    /** {@code --ca/--cert/--key} (or SIGNALBOX_CA/CERT/KEY): the cluster over TLS; none: plaintext. */
    @CommandLine.Mixin
    TlsOptions tls;

    /** The client's options from these; a bad value is a usage error of {@code commandLine}. */
    ClientOptions clientOptions(CommandLine commandLine) {
        if (timeoutMs <= 0) {
            throw new ParameterException(commandLine, "--timeout-ms must be > 0, got " + timeoutMs);
        }
        TlsFiles files;
        try {
            files = tls.files();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, e.getMessage(), e);
        }
        String token;
        try {
            token = token();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, e.getMessage(), e);
        }
        return ClientOptions.of(connect.list()).withRetryDeadlineMs(timeoutMs).withTls(files).withToken(token);
    }

    /** The token in --token-file (its first line, trimmed), or null without the option. */
    private String token() {
        return tokenFile == null ? null : io.signalbox.client.TokenFile.read("--token-file " + tokenFile, tokenFile).token();
    }

    /** The same connection settings, to one member only, giving up after {@code timeoutMs} (after {@link #clientOptions}, which checked them). */
    ClientOptions memberOptions(HostPort member, int timeoutMs) {
        return ClientOptions.of(List.of(member)).withRetryDeadlineMs(timeoutMs).withRequestTimeoutMs(timeoutMs).withTls(tls.files())
                .withToken(token());
    }

    Consistency consistency() {
        return local ? Consistency.LOCAL : Consistency.LINEARIZABLE;
    }

    /** The parsed --connect value (a type of its own, so that picocli converts the whole list at once). */
    record Addresses(List<HostPort> list) {
        @Override
        public String toString() {
            return String.join(",", list.stream().map(HostPort::toString).toList());
        }
    }

    static final class AddressesConverter implements ITypeConverter<Addresses> {
        @Override
        public Addresses convert(String text) {
            try {
                return new Addresses(HostPort.parseList(text));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage() + " (a list is HOST:PORT,HOST:PORT,...)");
            }
        }
    }
}
