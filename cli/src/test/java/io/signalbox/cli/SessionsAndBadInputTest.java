package io.signalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.client.SignalboxClient;
import io.signalbox.proto.client.Command;
import io.signalbox.proto.client.CommandRequest;
import io.signalbox.proto.client.Consistency;
import io.signalbox.proto.client.ErrorCode;
import io.signalbox.proto.client.PutService;
import io.signalbox.proto.client.Request;
import io.signalbox.proto.client.Response;
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
        ProcessCluster.await("a leader", Duration.ofSeconds(30), () -> cluster.leader() != 0);
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
            assertEquals(2, client.read(Consistency.LINEARIZABLE, "api").getRead().getServersCount());
            long from = client.read(Consistency.LINEARIZABLE, "").getZxid();
            List<String> watched = new CopyOnWriteArrayList<>();
            try (var subscription = client.subscribe(from, List.of("api"), new io.signalbox.client.Subscription.Listener() {
                @Override
                public void onSnapshot(long zxid, io.signalbox.proto.client.ReadResult configuration) {}

                @Override
                public void onEntry(io.signalbox.proto.client.Entry entry) {
                    entry.getEventsList().forEach(e -> watched.add(io.signalbox.state.EventText.describe(
                            io.signalbox.state.codec.StateCodec.fromProto(e))));
                }
            })) {
                backend.destroyForcibly();
                backend.waitFor(10, TimeUnit.SECONDS);
                ProcessCluster.await("the session expires and its servers go", Duration.ofSeconds(15),
                        () -> client.read(Consistency.LINEARIZABLE, "api").getRead().getServersCount() == 0);
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
            assertEquals(ErrorCode.MALFORMED, response.getError().getCode(), response.toString());
            assertClosed(socket);
        }
        // A length prefix far above the 8 MiB limit: refused before anything is allocated.
        try (Socket socket = connect(port)) {
            new DataOutputStream(socket.getOutputStream()).writeInt(Integer.MAX_VALUE);
            socket.getOutputStream().write(new byte[1024]);
            Response response = readFrame(socket);
            assertEquals(ErrorCode.MALFORMED, response.getError().getCode());
            assertTrue(response.getError().getMessage().contains("limit"), response.getError().getMessage());
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
            writeFrame(socket, Request.newBuilder().setRequestId(7).build().toByteArray());
            Response response = readFrame(socket);
            assertEquals(7, response.getRequestId());
            assertEquals(ErrorCode.MALFORMED, response.getError().getCode());
            // An invalid service name on the same connection: INVALID, naming the field.
            writeFrame(socket, Request.newBuilder().setRequestId(8).setCommand(CommandRequest.newBuilder()
                    .setClientId("hostile").setSequence(1).setCommand(Command.newBuilder().setPutService(PutService.newBuilder()
                            .setName("bad name;\n").setMode("http").setListenPort(9191).setBalance("roundrobin")))).build().toByteArray());
            Response invalid = readFrame(socket);
            assertEquals(8, invalid.getRequestId());
            assertEquals(ErrorCode.INVALID, invalid.getError().getCode(), invalid.toString());
            assertTrue(invalid.getError().getField().contains("name"), invalid.getError().getField());
            // A client id far longer than any client sends: refused before it reaches the log.
            writeFrame(socket, Request.newBuilder().setRequestId(9).setCommand(CommandRequest.newBuilder()
                    .setClientId("c".repeat(10_000)).setSequence(1).setCommand(Command.newBuilder().setPutService(PutService.newBuilder()
                            .setName("longid").setMode("http").setListenPort(9393).setBalance("roundrobin")))).build().toByteArray());
            Response tooLong = readFrame(socket);
            assertEquals(ErrorCode.INVALID, tooLong.getError().getCode(), tooLong.toString());
            assertEquals("clientId", tooLong.getError().getField());
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
            Response ok = client.submit(new io.signalbox.state.Command.PutService("after", "tcp", 9292, "roundrobin", null, 1000, 1000, 1000, null));
            assertTrue(ok.getZxid() > 0, "the node keeps serving everyone else");
        }
    }

    private static long digest() {
        try (SignalboxClient client = cluster.client()) {
            return client.read(Consistency.LINEARIZABLE, "").getRead().getDigest();
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
        return Response.parseFrom(bytes);
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
