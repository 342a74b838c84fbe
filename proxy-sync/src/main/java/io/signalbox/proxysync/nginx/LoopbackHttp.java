package io.signalbox.proxysync.nginx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 exchange with Nginx on a local address, on its own connection ({@code Connection:
 * close}): the agent's calls to the version and push locations. A plain socket rather than a JDK
 * client, so nothing keeps a pool or a thread behind the driver's back; replies are capped at 64 KiB.
 */
final class LoopbackHttp {
    static final int REPLY_BYTES_MAX = 64 * 1024;

    /** The status and body of a reply; status -1 when nothing answered, with the reason as the body. */
    record Reply(int status, String body) {
        boolean ok() {
            return status == 200;
        }

        /** What to put in a failure report: the status and Nginx's own words. */
        String describe() {
            return status < 0 ? body : "HTTP " + status + ": " + body.strip();
        }
    }

    private LoopbackHttp() {}

    static Reply get(String address, int port, String path, int timeoutMs) {
        return exchange(address, port, "GET", path, "", null, timeoutMs);
    }

    static Reply post(String address, int port, String path, String token, String body, int timeoutMs) {
        return exchange(address, port, "POST", path, token, body.getBytes(StandardCharsets.UTF_8), timeoutMs);
    }

    private static Reply exchange(String address, int port, String method, String path, String token, byte[] body, int timeoutMs) {
        String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            socket.setTcpNoDelay(true);
            StringBuilder head = new StringBuilder().append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(host)
                    .append(':').append(port).append("\r\nConnection: close\r\n");
            if (!token.isEmpty()) {
                head.append("X-Signalbox-Token: ").append(token).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Type: text/plain\r\nContent-Length: ").append(body.length).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return parse(readAll(socket.getInputStream()));
        } catch (IOException e) {
            return new Reply(-1, "nothing answers " + method + " http://" + host + ":" + port + path + ": " + e.getMessage());
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int read;
        while ((read = in.read(buffer)) >= 0) {
            if (bytes.size() + read > REPLY_BYTES_MAX) {
                throw new IOException("a reply over " + REPLY_BYTES_MAX + " bytes");
            }
            bytes.write(buffer, 0, read);
        }
        return bytes.toByteArray();
    }

    /** Status line and body; the body is whatever follows the headers (Nginx sends short replies chunked or with a length). */
    private static Reply parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String[] status = text.split(" ", 3);
        if (end < 0 || status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            return new Reply(-1, "not an HTTP reply: " + text.substring(0, Math.min(200, text.length())));
        }
        String headers = text.substring(0, end).toLowerCase(java.util.Locale.ROOT);
        String body = text.substring(end + 4);
        if (headers.contains("transfer-encoding: chunked")) {
            body = unchunk(body);
        }
        try {
            return new Reply(Integer.parseInt(status[1]), body);
        } catch (NumberFormatException e) {
            return new Reply(-1, "not an HTTP status: " + status[1]);
        }
    }

    private static String unchunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size;
            try {
                size = Integer.parseInt(chunked.substring(at, lineEnd).strip(), 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (size == 0 || lineEnd + 2 + size > chunked.length()) {
                break;
            }
            out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }
}
