package io.signalbox.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.CommandRequest;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.ErrorReply;
import io.signalbox.protocol.Request;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.protocol.wire.ClientWire;
import io.signalbox.state.Command;
import io.signalbox.state.Configuration;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions with real processes, and hostile bytes on every port of a running cluster. */
class SessionsAndBadInputTest {
    @TempDir
    static Path directory;
    private static ProcessCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new ProcessCluster(3, 28_300, directory);
        cluster.awaitLeader(Duration.ofSeconds(30));
        try (SignalboxClient client = cluster.client()) {
            client.submit(new io.signalbox.state.Command.PutService("api", "http", 9090, "roundrobin", null, 1000, 1000, 1000, null));
        }
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void serversOfAKilledBackendDisappearAfterItsSessionTimesOutAndWatchShowsIt() throws Exception {
        Process backend = new ProcessBuilder(javaMain(EphemeralRegistrar.class, cluster.addresses(), "api", "1500"))
                .redirectErrorStream(true).start();
        try (SignalboxClient client = cluster.client()) {
            BufferedReader lines = new BufferedReader(new InputStreamReader(backend.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null && !line.startsWith("registered session")) {
                // the backend's log lines
            }
            assertTrue(line != null, "the backend registered");
            assertEquals(2, client.read(Consistency.LINEARIZABLE, "api").configuration().servers().getOrDefault("api", List.of()).size());
            long from = client.read(Consistency.LINEARIZABLE, "").zxid();
            List<String> watched = new CopyOnWriteArrayList<>();
            try (var subscription = client.subscribe(from, List.of("api"), new io.signalbox.client.Subscription.Listener() {
                @Override
                public void onSnapshot(long zxid, Configuration configuration) {}

                @Override
                public void onEntry(StreamEntry entry) {
                    entry.events().forEach(e -> watched.add(io.signalbox.state.EventText.describe(e)));
                }
            })) {
                backend.destroyForcibly();
                backend.waitFor(10, TimeUnit.SECONDS);
                ProcessCluster.await("the session expires and its servers go", Duration.ofSeconds(15),
                        () -> client.read(Consistency.LINEARIZABLE, "api").configuration().servers().getOrDefault("api", List.of()).size() == 0);
                ProcessCluster.await("watch shows the expiry", Duration.ofSeconds(5), () -> watched.stream().anyMatch(t -> t.endsWith("expired")));
            }
        } finally {
            backend.destroyForcibly();
        }
    }

    @Test
    void hostileBytesOnTheClientPortGetAnErrorOrAClosedConnectionAndChangeNothing() throws Exception {
        int port = cluster.members.get(0).clientPort();
        long before = digest();

        // Not protobuf at all, in a well-formed frame: MALFORMED, then closed.
        try (Socket socket = connect(port)) {
            writeFrame(socket, "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Response response = readFrame(socket);
            assertEquals(ErrorCode.MALFORMED, error(response).code(), response.toString());
            assertClosed(socket);
        }
        // A length prefix far above the 8 MiB limit: refused before anything is allocated.
        try (Socket socket = connect(port)) {
            new DataOutputStream(socket.getOutputStream()).writeInt(Integer.MAX_VALUE);
            socket.getOutputStream().write(new byte[1024]);
            Response response = readFrame(socket);
            assertEquals(ErrorCode.MALFORMED, error(response).code());
            assertTrue(error(response).message().contains("limit"), error(response).message());
            assertClosed(socket);
        }
        // A truncated frame, then the client goes away: nothing happens.
        try (Socket socket = connect(port)) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(100);
            out.write(new byte[10]);
        }
        // A request naming no operation: MALFORMED, and the connection stays usable.
        try (Socket socket = connect(port)) {
            writeFrame(socket, new byte[] {0x08, 0x07}); // field 1 (request_id) = 7, and nothing else
            Response response = readFrame(socket);
            assertEquals(7, response.requestId());
            assertEquals(ErrorCode.MALFORMED, error(response).code());
            // An invalid service name on the same connection: INVALID, naming the field.
            writeFrame(socket, ClientWire.encode(new Request(8, new CommandRequest("hostile", 1,
                    new Command.PutService("bad name;\n", "http", 9191, "roundrobin", null, 0, 0, 0, null)))));
            Response invalid = readFrame(socket);
            assertEquals(8, invalid.requestId());
            assertEquals(ErrorCode.INVALID, error(invalid).code(), invalid.toString());
            assertTrue(error(invalid).field().contains("name"), error(invalid).field());
            // A client id far longer than any client sends: refused before it reaches the log.
            writeFrame(socket, ClientWire.encode(new Request(9, new CommandRequest("c".repeat(10_000), 1,
                    new Command.PutService("longid", "http", 9393, "roundrobin", null, 0, 0, 0, null)))));
            Response tooLong = readFrame(socket);
            assertEquals(ErrorCode.INVALID, error(tooLong).code(), tooLong.toString());
            assertEquals("clientId", error(tooLong).field());
        }
        // Garbage on a peer port: the link is refused, the cluster carries on.
        try (Socket socket = connect(cluster.members.get(1).peerPort())) {
            writeFrame(socket, "not a peer".getBytes(StandardCharsets.US_ASCII));
            assertClosed(socket);
        }
        // A method the admin port does not serve: a 4xx, nothing else.
        try (Socket socket = connect(cluster.members.get(2).adminPort())) {
            socket.getOutputStream().write("POST /config HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertTrue(status.startsWith("HTTP/1.1 405"), status);
        }

        assertEquals(before, digest(), "nothing was applied");
        try (SignalboxClient client = cluster.client()) {
            CommandResult ok = client.submit(new Command.PutService("after", "tcp", 9292, "roundrobin", null, 1000, 1000, 1000, null));
            assertTrue(ok.zxid() > 0, "the node keeps serving everyone else");
        }
    }

    private static long digest() {
        try (SignalboxClient client = cluster.client()) {
            return client.read(Consistency.LINEARIZABLE, "").configuration().digest();
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static void writeFrame(Socket socket, byte[] bytes) throws IOException {
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    private static Response readFrame(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return ClientWire.decodeResponse(bytes);
    }

    private static ErrorReply error(Response response) {
        assertTrue(response.reply() instanceof ErrorReply, "an error, not " + response);
        return (ErrorReply) response.reply();
    }

    private static void assertClosed(Socket socket) throws IOException {
        try {
            int read = socket.getInputStream().read();
            assertEquals(-1, read, "the node closes the connection");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection was left open");
        } catch (EOFException | java.net.SocketException e) {
            // closed, possibly with a reset: fine
        }
    }

    private static List<String> javaMain(Class<?> main, String... args) {
        List<String> command = Launch.java(Launch.DEFAULT_HEAP);
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }
}
