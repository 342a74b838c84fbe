package io.signalbox.bench;

import io.signalbox.tls.DevCertificates;
import io.signalbox.tls.TlsFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The certificates {@code bench compare --tls} gives both systems, so both do the same
 * handshakes with the same keys: one development CA, a certificate per node and one client
 * certificate, each naming 127.0.0.1 (ZooKeeper verifies host names on both ends). ZooKeeper
 * reads a PEM key store as one file holding certificate and key: each also gets that bundle.
 */
final class BenchCertificates {
    /** The client certificate's name: Signalbox's admin identity for the run, so it may create the services. */
    static final String CLIENT = "bench";
    private static final List<String> HOSTS = List.of("127.0.0.1", "localhost");
    private static final Duration VALIDITY = Duration.ofDays(1);

    private final Path dir;

    BenchCertificates(Path dir, int nodes) {
        this.dir = dir;
        DevCertificates.CreatedSet set = DevCertificates.createSet(dir, nodes, List.of(), HOSTS, VALIDITY);
        set.authority().issue(CLIENT, DevCertificates.Use.CLIENT, HOSTS, VALIDITY).write(dir, CLIENT, set.ca());
        for (int id = 1; id <= nodes; id++) {
            bundle(node(id), nodeName(id));
        }
        bundle(client(), CLIENT);
    }

    TlsFiles node(int id) {
        return DevCertificates.files(dir, nodeName(id));
    }

    TlsFiles client() {
        return DevCertificates.files(dir, CLIENT);
    }

    Path ca() {
        return dir.resolve("ca.pem");
    }

    /** Certificate and key of node {@code id} in one PEM file, for ZooKeeper's key store. */
    Path nodeBundle(int id) {
        return bundlePath(nodeName(id));
    }

    Path clientBundle() {
        return bundlePath(CLIENT);
    }

    private static String nodeName(int id) {
        return "node-" + id;
    }

    private Path bundlePath(String name) {
        return dir.resolve(name + "-bundle.pem");
    }

    private void bundle(TlsFiles files, String name) {
        try {
            Files.writeString(bundlePath(name), Files.readString(files.cert()) + Files.readString(files.key()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + bundlePath(name) + ": " + e.getMessage(), e);
        }
    }
}
