package io.signalbox.bench;

import io.signalbox.testkit.Processes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An Apache ZooKeeper 3.9 ensemble of real server processes on 127.0.0.1, as
 * {@code bench-notes.md} describes it: default durability ({@code forceSync=yes}), its own
 * data directories, readiness by the {@code srvr} four-letter command. Server i listens for
 * clients on basePort+i, quorum on basePort+100+i, election on basePort+200+i. With TLS, as
 * ZooKeeper's admin guide sets it up: the Netty connection factory (the default NIO one has no
 * TLS), a secure client port on basePort+300+i that requires client certificates, and
 * {@code sslQuorum} for the quorum links; the plaintext client port stays for {@code srvr}.
 * The Netty transport may also be asked for without TLS, so that a comparison of TLS against
 * plaintext differs in TLS only.
 */
public final class ZooKeeperEnsemble implements AutoCloseable {
    private static final String NETTY_FACTORY = "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory\n";

    private final List<Process> processes = new ArrayList<>();
    private final List<List<String>> commands = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final int count;
    private final int basePort;
    private final BenchCertificates tls;
    private final boolean netty;

    /** @param javaPrefix the java command, heap flag and classpath to start a server with (main class and config follow) */
    public ZooKeeperEnsemble(int count, int basePort, Path directory, List<String> javaPrefix) throws IOException {
        this(count, basePort, directory, javaPrefix, null, false);
    }

    /**
     * @param tls   the certificates for TLS on client and quorum links, or null for plaintext
     * @param netty Netty's connection factory on the servers and socket on the clients even
     *              without TLS (TLS always uses them); false: ZooKeeper's default, NIO
     */
    ZooKeeperEnsemble(int count, int basePort, Path directory, List<String> javaPrefix, BenchCertificates tls, boolean netty)
            throws IOException {
        this.count = count;
        this.basePort = basePort;
        this.tls = tls;
        this.netty = netty || tls != null;
        for (int id = 1; id <= count; id++) {
            Path data = directory.resolve("zk" + id);
            Files.createDirectories(data);
            Files.writeString(data.resolve("myid"), id + "\n");
            StringBuilder cfg = new StringBuilder();
            cfg.append("tickTime=2000\ninitLimit=10\nsyncLimit=5\n").append("dataDir=").append(data.toAbsolutePath()).append('\n')
                    .append("clientPort=").append(clientPort(id)).append("\nclientPortAddress=127.0.0.1\nmaxClientCnxns=0\n")
                    .append("4lw.commands.whitelist=*\nadmin.enableServer=false\nforceSync=yes\n");
            if (tls != null) {
                cfg.append(tlsSettings(id));
            } else if (this.netty) {
                cfg.append(NETTY_FACTORY);
            }
            for (int peer = 1; peer <= count; peer++) {
                cfg.append("server.").append(peer).append("=127.0.0.1:").append(basePort + 100 + peer).append(':')
                        .append(basePort + 200 + peer).append('\n');
            }
            Path conf = data.resolve("zoo.cfg");
            Files.writeString(conf, cfg.toString());
            List<String> command = new ArrayList<>(javaPrefix);
            command.add("org.apache.zookeeper.server.quorum.QuorumPeerMain");
            command.add(conf.toString());
            commands.add(command);
            logs.add(data.resolve("zk.log"));
            processes.add(null);
            start(id);
        }
    }

    private String tlsSettings(int id) {
        StringBuilder cfg = new StringBuilder(NETTY_FACTORY)
                .append("secureClientPort=").append(secureClientPort(id)).append("\nsslQuorum=true\n");
        for (String prefix : List.of("ssl.", "ssl.quorum.")) {
            cfg.append(prefix).append("keyStore.location=").append(tls.nodeBundle(id)).append('\n')
                    .append(prefix).append("keyStore.type=PEM\n")
                    .append(prefix).append("trustStore.location=").append(tls.ca()).append('\n')
                    .append(prefix).append("trustStore.type=PEM\n");
        }
        return cfg.toString();
    }

    /** Starts server {@code id} (again), appending to its log. */
    public void start(int id) throws IOException {
        processes.set(id - 1, new ProcessBuilder(commands.get(id - 1)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.get(id - 1).toFile())).start());
    }

    /** kill -9 of server {@code id}. */
    public void kill(int id) throws InterruptedException {
        Process p = processes.get(id - 1);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    /** The id of the server that says it leads, or 0. */
    public int leader() {
        for (int id = 1; id <= count; id++) {
            if (fourLetter(id, "srvr").contains("Mode: leader")) {
                return id;
            }
        }
        return 0;
    }

    public int clientPort(int id) {
        return basePort + id;
    }

    public int secureClientPort(int id) {
        return basePort + 300 + id;
    }

    /** Where a client connects to server {@code id}: its secure client port when the ensemble runs TLS. */
    public String connectString(int id) {
        return "127.0.0.1:" + (tls == null ? clientPort(id) : secureClientPort(id));
    }

    /** The client's settings for this ensemble (Netty, TLS), or null for ZooKeeper's defaults. */
    org.apache.zookeeper.client.ZKClientConfig clientConfig() {
        if (!netty) {
            return null;
        }
        org.apache.zookeeper.client.ZKClientConfig config = new org.apache.zookeeper.client.ZKClientConfig();
        config.setProperty(org.apache.zookeeper.client.ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET,
                "org.apache.zookeeper.ClientCnxnSocketNetty");
        if (tls == null) {
            return config;
        }
        config.setProperty(org.apache.zookeeper.client.ZKClientConfig.SECURE_CLIENT, "true");
        config.setProperty("zookeeper.ssl.keyStore.location", tls.clientBundle().toString());
        config.setProperty("zookeeper.ssl.keyStore.type", "PEM");
        config.setProperty("zookeeper.ssl.trustStore.location", tls.ca().toString());
        config.setProperty("zookeeper.ssl.trustStore.type", "PEM");
        return config;
    }

    public List<Process> processes() {
        return processes;
    }

    /** Waits until one server says it leads and the others follow. */
    public void awaitQuorum(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            int leaders = 0;
            int followers = 0;
            for (int id = 1; id <= count; id++) {
                String mode = fourLetter(id, "srvr");
                leaders += mode.contains("Mode: leader") ? 1 : 0;
                followers += mode.contains("Mode: follower") ? 1 : 0;
            }
            if (leaders == 1 && followers == count - 1) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the ZooKeeper ensemble did not form within " + timeoutMs + " ms");
    }

    /** A four-letter command's answer, or "" when the server does not answer. */
    public String fourLetter(int id, String word) {
        try (Socket socket = new Socket("127.0.0.1", clientPort(id))) {
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StringBuilder answer = new StringBuilder();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                answer.append(line).append('\n');
            }
            return answer.toString();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        Processes.stopAll(processes, 15);
    }
}
