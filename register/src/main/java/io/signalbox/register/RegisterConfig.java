package io.signalbox.register;

import io.signalbox.protocol.HostPort;
import io.signalbox.client.TokenFile;
import io.signalbox.tls.TlsFiles;
import io.signalbox.tls.TlsSettings;
import io.signalbox.state.Command;
import io.signalbox.state.IpAddress;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.Limits;
import io.signalbox.state.Rejection;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The sidecar's configuration as keys and values: what {@code signalbox register}'s flags say,
 * and what a configuration file says to {@link RegisterMain}. Top-level keys configure the
 * sidecar (and give defaults for every registration); {@code registration.<label>.<key>} keys
 * describe one backend each, so one sidecar can keep several registered. {@link #parse}
 * checks every value before anything starts; an error names the key, the value and what is
 * allowed.
 *
 * @param statusAddress where /health and /metrics answer; null: nowhere
 * @param tls the keys ca, cert and key (else SIGNALBOX_CA, SIGNALBOX_CERT, SIGNALBOX_KEY): TLS to the cluster; null: plaintext
 * @param token the key tokenFile (else SIGNALBOX_TOKEN_FILE): the sidecar acts as the token's identity; null: its certificate's
 */
public record RegisterConfig(List<HostPort> connect, int sessionTimeoutMs, long drainTimeoutMs, long staleReportMs,
                             StatusAddress statusAddress, List<Registration> registrations, TlsFiles tls, TokenFile token) {
    /** An IP literal and a port (0: any free one, printed at start). */
    public record StatusAddress(IpAddress address, int port) {}

    static final String DEFAULT_CONNECT = "127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103";
    static final String PREFIX = "registration.";
    private static final Set<String> SIDECAR_KEYS = Set.of("connect", "sessionTimeoutMs", "drainTimeoutMs", "staleReportMs",
            "statusAddress", "ca", "cert", "key", "tokenFile");
    /** Keys of a registration that may also be given at the top, as the default of every registration. */
    private static final Set<String> DEFAULTABLE_KEYS = Set.of("weight", "intervalMs", "timeoutMs", "rise", "fall", "onFailure");
    private static final Set<String> REGISTRATION_KEYS = Set.of("service", "name", "address", "port", "weight", "backup", "labels",
            "check", "checkCmd", "intervalMs", "timeoutMs", "rise", "fall", "onFailure");
    private static final int COMMAND_LENGTH_MAX = 4_096;

    /** @throws IllegalArgumentException naming the key and value that are wrong, and what is allowed */
    public static RegisterConfig parse(Map<String, String> given) {
        Map<String, String> values = new TreeMap<>(given);
        values.values().removeIf(v -> v == null || v.isBlank());
        Map<String, Map<String, String>> byLabel = new TreeMap<>();
        Set<String> topLevel = new TreeSet<>(SIDECAR_KEYS);
        topLevel.addAll(DEFAULTABLE_KEYS);
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String key = entry.getKey();
            if (key.startsWith(PREFIX)) {
                int dot = key.indexOf('.', PREFIX.length());
                String label = dot < 0 ? "" : key.substring(PREFIX.length(), dot);
                String field = dot < 0 ? "" : key.substring(dot + 1);
                if (label.isEmpty() || !REGISTRATION_KEYS.contains(field)) {
                    throw new IllegalArgumentException("key \"" + key + "\" is not registration.<label>.<key> with a key among "
                            + new TreeSet<>(REGISTRATION_KEYS));
                }
                byLabel.computeIfAbsent(label, l -> new TreeMap<>()).put(field, entry.getValue().strip());
            } else if (!topLevel.contains(key)) {
                throw new IllegalArgumentException("key \"" + key + "\" is not one of " + topLevel + " or registration.<label>.<key>");
            }
        }
        if (byLabel.isEmpty()) {
            throw new IllegalArgumentException("no registration: give at least registration.<label>.service, .address and .port "
                    + "(signalbox register --service S --name N --address IP --port P)");
        }
        List<Registration> registrations = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (Map.Entry<String, Map<String, String>> label : byLabel.entrySet()) {
            Registration registration = registration(label.getKey(), label.getValue(), values);
            if (!keys.add(registration.key())) {
                throw new IllegalArgumentException("registration." + label.getKey() + " registers " + registration.key()
                        + " a second time: each server once per sidecar");
            }
            registrations.add(registration);
        }
        int sessionTimeoutMs = (int) number(values, "sessionTimeoutMs", 10_000, Limits.DEFAULTS.sessionTimeoutMsMin(),
                Limits.DEFAULTS.sessionTimeoutMsMax());
        return new RegisterConfig(HostPort.parseList(values.getOrDefault("connect", DEFAULT_CONNECT)), sessionTimeoutMs,
                number(values, "drainTimeoutMs", 30_000, 0, 3_600_000), number(values, "staleReportMs", 10_000, 100, 3_600_000),
                statusAddress(values.get("statusAddress")), List.copyOf(registrations), TlsSettings.fromValues(values, System.getenv()),
                TokenFile.fromValues(values, System.getenv()));
    }

    private static Registration registration(String label, Map<String, String> own, Map<String, String> top) {
        String prefix = PREFIX + label + ".";
        Map<String, String> values = new TreeMap<>();
        for (String key : DEFAULTABLE_KEYS) {
            if (top.containsKey(key)) {
                values.put(key, top.get(key));
            }
        }
        values.putAll(own);
        for (String required : List.of("service", "address", "port")) {
            if (!values.containsKey(required)) {
                throw new IllegalArgumentException(prefix + required + " is required");
            }
        }
        String name = values.getOrDefault("name", label);
        IpAddress address = ip(prefix + "address", values.get("address"));
        int port = (int) number(values, "port", 0, 1, 65_535, prefix);
        int weight = (int) number(values, "weight", 1, 0, 256, prefix);
        long intervalMs = number(values, "intervalMs", 1_000, 100, 3_600_000, prefix);
        long timeoutMs = number(values, "timeoutMs", Math.min(intervalMs, 2_000), 1, intervalMs, prefix);
        int rise = (int) number(values, "rise", 2, 1, 100, prefix);
        int fall = (int) number(values, "fall", 3, 1, 100, prefix);
        Registration.OnFailure onFailure = onFailure(prefix + "onFailure", values.getOrDefault("onFailure", "drain"));
        boolean backup = bool(prefix + "backup", values.getOrDefault("backup", "false"));
        Map<String, String> labels = labels(prefix + "labels", values.getOrDefault("labels", ""));
        CheckSpec check = check(prefix, values.get("check"), values.get("checkCmd"), address, port);
        Registration registration = new Registration(values.get("service"), name, address, port, weight, backup, new TreeMap<>(labels),
                check, intervalMs, timeoutMs, rise, fall, onFailure);
        refuseWhatTheClusterWould(prefix, registration);
        return registration;
    }

    /**
     * Names, label keys and values are checked by the cluster's own rules, here, before anything
     * starts: a scratch state machine prepares the registration (nothing is applied), so the
     * sidecar never starts only to have every attempt refused.
     */
    private static void refuseWhatTheClusterWould(String prefix, Registration r) {
        LbStateMachine scratch = new LbStateMachine(Limits.DEFAULTS, 2);
        Command.Multi trial = new Command.Multi(List.of(
                new Command.PutService(r.service(), "http", 1, "roundrobin", null, 1_000, 1_000, 1_000, null),
                new Command.OpenSession(Limits.DEFAULTS.sessionTimeoutMsMin()),
                new Command.RegisterServer(r.service(), r.name(), r.address().toString(), r.port(), r.weight(), "ready", r.backup(),
                        r.labels(), scratch.view().nextSessionId(), null)));
        try {
            scratch.prepare(trial);
        } catch (Rejection rejection) {
            String field = rejection.field();
            String detail = rejection.getMessage().substring(field.length() + 2);
            String key = field.startsWith("multi.commands[0].") ? "service" : field.replaceFirst("^multi\\.commands\\[\\d+\\]\\.server\\.", "");
            throw new IllegalArgumentException(prefix + key + ": " + detail, rejection);
        }
    }

    private static CheckSpec check(String prefix, String check, String command, IpAddress address, int port) {
        if (check != null && command != null) {
            throw new IllegalArgumentException(prefix + "check and " + prefix + "checkCmd are both given: choose one");
        }
        if (command != null) {
            if (command.length() > COMMAND_LENGTH_MAX || command.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
                throw new IllegalArgumentException(prefix + "checkCmd must be one line of at most " + COMMAND_LENGTH_MAX + " characters");
            }
            return new CheckSpec.Shell(command);
        }
        if (check == null || check.equals("tcp")) {
            return new CheckSpec.Tcp(address, port);
        }
        return httpCheck(prefix + "check", check, address);
    }

    /** http://IP[:PORT]/PATH, where IP is loopback or the backend's own address: a sidecar checks the backend beside it. */
    static CheckSpec.Http httpCheck(String key, String text, IpAddress backend) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(key + " \"" + text + "\" is not tcp or a URL: " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(key + " \"" + text + "\" must be tcp or http://IP[:PORT]/PATH (for anything else, use checkCmd)");
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        IpAddress address = ip(key, host);
        if (!loopback(address) && !address.equals(backend)) {
            throw new IllegalArgumentException(key + " \"" + text + "\" checks " + address + ", which is neither loopback (127.0.0.0/8, ::1)"
                    + " nor the backend's own address " + backend + ": a sidecar checks the backend beside it");
        }
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new CheckSpec.Http(address, uri.getPort() < 0 ? 80 : uri.getPort(), path);
    }

    static boolean loopback(IpAddress address) {
        byte[] bytes = address.bytes();
        if (bytes.length == 4) {
            return bytes[0] == 127;
        }
        for (int i = 0; i < 15; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[15] == 1;
    }

    private static IpAddress ip(String key, String text) {
        try {
            return IpAddress.parse(key, text);
        } catch (Rejection rejection) {
            throw new IllegalArgumentException(rejection.getMessage(), rejection);
        }
    }

    private static StatusAddress statusAddress(String text) {
        if (text == null) {
            return null;
        }
        int colon = text.lastIndexOf(':');
        String host = colon > 0 ? text.substring(0, colon) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = colon > 0 ? Integer.parseInt(text.substring(colon + 1)) : -1;
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isEmpty() || port < 0 || port > 65_535) {
            throw new IllegalArgumentException("statusAddress \"" + text + "\" is not IP:PORT (port 0..65535; 0 picks a free one)");
        }
        return new StatusAddress(ip("statusAddress", host), port);
    }

    private static Map<String, String> labels(String key, String text) {
        Map<String, String> labels = new TreeMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(key + " \"" + text + "\" is not k=v[,k=v]...");
            }
            labels.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip());
        }
        return labels;
    }

    private static Registration.OnFailure onFailure(String key, String text) {
        for (Registration.OnFailure choice : Registration.OnFailure.values()) {
            if (choice.name().toLowerCase(Locale.ROOT).equals(text)) {
                return choice;
            }
        }
        throw new IllegalArgumentException(key + " \"" + text + "\" must be drain or remove");
    }

    private static boolean bool(String key, String text) {
        if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException(key + " \"" + text + "\" must be true or false");
        }
        return text.equals("true");
    }

    private static long number(Map<String, String> values, String key, long fallback, long min, long max) {
        return number(values, key, fallback, min, max, "");
    }

    private static long number(Map<String, String> values, String key, long fallback, long min, long max, String prefix) {
        String text = values.get(key);
        if (text == null) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(prefix + key + " \"" + text + "\" is not a whole number");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(prefix + key + " " + value + " is outside " + min + ".." + max);
        }
        return value;
    }
}
