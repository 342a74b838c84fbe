package io.signalbox.protocol;

import java.util.ArrayList;
import java.util.List;

/** A node's address as {@code host:port}; parsing names the bad value. */
public record HostPort(String host, int port) {
    public HostPort {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
    }

    public static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("address \"" + text + "\" is not host:port");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address \"" + text + "\" has a port that is not a number");
        }
        return new HostPort(text.substring(0, colon), port);
    }

    /** A comma-separated list, e.g. {@code 127.0.0.1:7101,127.0.0.1:7102}. */
    public static List<HostPort> parseList(String text) {
        List<HostPort> list = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                list.add(parse(part.trim()));
            }
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("no address in \"" + text + "\"");
        }
        return list;
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
