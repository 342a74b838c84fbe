package io.signalbox.tls;

import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link SslContext} that follows its PEM files: each {@link #current()} (called once per
 * new connection) compares the files' modification times and sizes with those it was built
 * from, and rebuilds when one changed. New connections then use the new certificate; open ones
 * keep theirs. No thread watches the files, so there is nothing to stop. Files that do not
 * load (a key written before its certificate, say) leave the previous context in use, with one
 * warning per change, until they load.
 */
public final class ReloadingSslContext {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingSslContext.class);

    private final String name;
    private final TlsFiles files;
    private final Function<TlsFiles, SslContext> build;
    private SslContext context;
    private List<String> builtFrom;
    private List<String> refusedFrom;

    /** Builds the first context now: bad files fail here, at start, with the reason. */
    public ReloadingSslContext(String name, TlsFiles files, Function<TlsFiles, SslContext> build) {
        this.name = name;
        this.files = files;
        this.build = build;
        this.builtFrom = fingerprint();
        this.context = build.apply(files);
    }

    public TlsFiles files() {
        return files;
    }

    /** The context for a new connection: rebuilt first if the files changed since. Never blocks for long (a few file stats). */
    public synchronized SslContext current() {
        List<String> now = fingerprint();
        if (now.equals(builtFrom) || now.equals(refusedFrom)) {
            return context;
        }
        try {
            context = build.apply(files);
            builtFrom = now;
            refusedFrom = null;
            LOG.info("{}: TLS files changed; new connections use the certificate from {}", name, files.cert() == null ? files.ca() : files.cert());
        } catch (RuntimeException e) {
            refusedFrom = now;
            LOG.warn("{}: TLS files changed but do not load; still using the previous certificate: {}", name, e.getMessage());
        }
        return context;
    }

    private List<String> fingerprint() {
        List<String> parts = new ArrayList<>();
        for (Path file : new Path[] {files.ca(), files.cert(), files.key()}) {
            if (file == null) {
                continue;
            }
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                parts.add(file + "@" + attributes.lastModifiedTime().toInstant() + "/" + attributes.size());
            } catch (IOException e) {
                parts.add(file + " unreadable: " + e.getMessage());
            }
        }
        return parts;
    }
}
