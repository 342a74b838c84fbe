package io.signalbox.server;

import io.netty.handler.ssl.ClientAuth;
import io.signalbox.tls.PemTls;
import io.signalbox.tls.TlsFiles;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One node's configuration, from a properties file ({@code signalbox.conf}) and flags that
 * override it. Every value is checked at start; a bad one stops the node with a message
 * naming the key, the value and what is allowed.
 *
 * <pre>
 * id=1
 * member.1=127.0.0.1:7001:7101:7201     # host:peerPort:clientPort:adminPort
 * member.2=127.0.0.1:7002:7102:7202
 * member.3=127.0.0.1:7003:7103:7203
 * dataDir=./data/node1
 * tickMs=50
 * tls.ca=/etc/signalbox/ca.pem              # TLS on all three ports (see docs/security.md)
 * tls.cert=/etc/signalbox/node-1.pem
 * tls.key=/etc/signalbox/node-1.key
 * auth.admin=ops-lead                       # admin whatever the replicated roles say (a certificate CN or token name)
 * clusterName=edge-eu                       # the same on every member (default signalbox): another cluster's peers are refused
 * auth.token.deploy=sha256:9f86d0...        # a bearer token's SHA-256, hex; the connection acts as "deploy"
 * </pre>
 *
 * A node whose members are not all on loopback refuses to start without TLS and required client
 * certificates, unless {@code insecure=true} (it then warns at every start).
 */
public record NodeConfig(int id, List<Member> members, Path dataDir, int tickMs, int snapshotEveryEntries,
                         int historyEntriesMax, int loopQueueMax, int subscriberBufferMax, int requestTimeoutMs,
                         int clientConnectionsMax, int proposalsInflightMax, Tls tls, boolean insecure, Auth auth, String clusterName,
                         Set<Integer> observers) {
    /** What {@code clusterName} is when the file says nothing. */
    public static final String CLUSTER_NAME_DEFAULT = io.signalbox.node.NodeOptions.CLUSTER_NAME_DEFAULT;

    /**
     * Who is who on the client port beyond certificates (see docs/security.md).
     *
     * @param admins      identities that are admin whatever the replicated table says: how the first admin is named
     * @param tokenHashes token name -> the SHA-256 of the token, lowercase hex (the token itself is never stored)
     */
    public record Auth(Set<String> admins, Map<String, String> tokenHashes) {
        public static final Auth NONE = new Auth(Set.of(), Map.of());

        public Auth {
            admins = Set.copyOf(new TreeSet<>(admins));
            tokenHashes = Map.copyOf(tokenHashes);
        }
    }

    /** As before identities: no configured admin, no tokens. */
    public NodeConfig(int id, List<Member> members, Path dataDir, int tickMs, int snapshotEveryEntries, int historyEntriesMax,
                      int loopQueueMax, int subscriberBufferMax, int requestTimeoutMs, int clientConnectionsMax,
                      int proposalsInflightMax, Tls tls, boolean insecure) {
        this(id, members, dataDir, tickMs, snapshotEveryEntries, historyEntriesMax, loopQueueMax, subscriberBufferMax, requestTimeoutMs,
                clientConnectionsMax, proposalsInflightMax, tls, insecure, Auth.NONE, CLUSTER_NAME_DEFAULT, Set.of());
    }

    /**
     * TLS on the peer port (mutual: certificates signed by {@code files.ca()} that name the member,
     * see {@link io.signalbox.tls.MemberNames}), the client port (client certificates as
     * {@code clientAuth} says) and the admin port (HTTPS). Null in {@link NodeConfig} when off.
     */
    public record Tls(TlsFiles files, ClientAuth clientAuth, int handshakeTimeoutMs) {
        public Tls {
            if (!files.hasCertificate()) {
                throw bad("tls.cert", "(missing)", "a node needs its certificate and key");
            }
            range("tls.handshakeTimeoutMs", handshakeTimeoutMs, 100, 120_000);
        }
    }

    /** A member's addresses. */
    public record Member(int id, String host, int peerPort, int clientPort, int adminPort) {
        public String clientAddress() {
            return host + ":" + clientPort;
        }

        public String peerAddress() {
            return host + ":" + peerPort;
        }

        public String adminAddress() {
            return host + ":" + adminPort;
        }
    }

    /** Every key this file may hold; anything else is refused, so a typo is not silently ignored. */
    public static final Set<String> KEYS = Set.of("id", "dataDir", "tickMs", "snapshotEveryEntries", "historyEntriesMax",
            "loopQueueMax", "subscriberBufferMax", "requestTimeoutMs", "clientConnectionsMax", "proposalsInflightMax",
            "tls.ca", "tls.cert", "tls.key", "tls.clientAuth", "tls.handshakeTimeoutMs", "insecure", "auth.admin", "clusterName",
            "observers");
    /** Keys named {@code auth.token.NAME}, one per token, beside {@link #KEYS}. */
    public static final String TOKEN_KEY_PREFIX = "auth.token.";
    public static final int HANDSHAKE_TIMEOUT_MS_DEFAULT = 5_000;

    public NodeConfig {
        members = List.copyOf(members);
        observers = Set.copyOf(observers);
        java.util.Objects.requireNonNull(auth, "auth");
        Set<Integer> ids = new TreeSet<>(members.stream().map(Member::id).toList());
        for (int observer : observers) {
            if (!ids.contains(observer)) {
                throw bad("observers", String.valueOf(observer), "every observer must be one of the member ids " + ids);
            }
        }
        if (!(observers.size() <= io.signalbox.consensus.Membership.OBSERVERS_MAX)) {
            throw bad("observers", observers.size() + " observers", "at most " + io.signalbox.consensus.Membership.OBSERVERS_MAX);
        }
        // 4 and 6 are the steps of a one-voter-at-a-time change between 3, 5 and 7 (a node that
        // joins then lists them); a new cluster starts with 3, 5 or 7.
        int voters = members.size() - observers.size();
        if (!(voters >= 3 && voters <= 7)) {
            throw bad("member.*", voters + " voters" + (observers.isEmpty() ? "" : " (members but the observers " + new TreeSet<>(observers) + ")"),
                    "a cluster has 3 to 7 voters (start one with 3, 5 or 7)");
        }
        if (members.stream().noneMatch(m -> m.id() == id)) {
            throw bad("id", String.valueOf(id), "must be one of the member ids " + members.stream().map(Member::id).toList());
        }
        Set<String> endpoints = new TreeSet<>();
        for (Member m : members) {
            for (int port : new int[] {m.peerPort(), m.clientPort(), m.adminPort()}) {
                if (!endpoints.add(m.host() + ":" + port)) {
                    throw bad("member." + m.id(), m.host() + ":" + port, "every address must be used once");
                }
            }
        }
        if (dataDir == null) {
            throw bad("dataDir", "(missing)", "a directory for this node's data");
        }
        if (clusterName == null || !clusterName.matches("[A-Za-z0-9._-]{1,64}")) {
            throw bad("clusterName", String.valueOf(clusterName), "1 to 64 of A-Z a-z 0-9 . _ - (the same on every member: peers of "
                    + "another cluster are refused)");
        }
        range("tickMs", tickMs, 1, 10_000);
        range("snapshotEveryEntries", snapshotEveryEntries, 10, 10_000_000);
        range("historyEntriesMax", historyEntriesMax, 2, 10_000_000);
        range("loopQueueMax", loopQueueMax, 16, 10_000_000);
        range("subscriberBufferMax", subscriberBufferMax, 1, 10_000_000);
        range("requestTimeoutMs", requestTimeoutMs, 10, 600_000);
        range("clientConnectionsMax", clientConnectionsMax, 1, 1_000_000);
        range("proposalsInflightMax", proposalsInflightMax, 1, 1_000_000);
        List<String> beyondLoopback = members.stream().map(Member::host).filter(host -> !loopback(host)).distinct().toList();
        if (!beyondLoopback.isEmpty() && !insecure) {
            if (tls == null) {
                throw bad("member.*", String.join(",", beyondLoopback), "members beyond loopback need TLS: set tls.ca, tls.cert "
                        + "and tls.key (docs/security.md), or insecure=true to run without it on a network you trust");
            }
            if (tls.clientAuth() != ClientAuth.REQUIRE && auth.tokenHashes().isEmpty()) {
                throw bad("tls.clientAuth", tls.clientAuth().name().toLowerCase(Locale.ROOT), "must be require while members are beyond "
                        + "loopback (" + String.join(",", beyondLoopback) + ") and no auth.token.NAME is set: clients need a "
                        + "certificate or a token to have an identity; or set insecure=true");
            }
        }
    }

    /** 127.0.0.0/8, ::1 or localhost: reachable from this machine only. Any other name counts as a network address. */
    static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("::1") || h.equals("[::1]") || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    public NodeConfig withTls(Tls newTls) {
        return new NodeConfig(id, members, dataDir, tickMs, snapshotEveryEntries, historyEntriesMax, loopQueueMax, subscriberBufferMax,
                requestTimeoutMs, clientConnectionsMax, proposalsInflightMax, newTls, insecure, auth, clusterName, observers);
    }

    public NodeConfig withAuth(Auth newAuth) {
        return new NodeConfig(id, members, dataDir, tickMs, snapshotEveryEntries, historyEntriesMax, loopQueueMax, subscriberBufferMax,
                requestTimeoutMs, clientConnectionsMax, proposalsInflightMax, tls, insecure, newAuth, clusterName, observers);
    }

    /** Whether every member is on loopback: then connections without a certificate or token may act, as anonymous. */
    public boolean loopbackOnly() {
        return members.stream().allMatch(m -> loopback(m.host()));
    }

    public Member self() {
        return member(id);
    }

    public Member member(int memberId) {
        return members.stream().filter(m -> m.id() == memberId).findFirst().orElse(null);
    }

    /** The members but the observers: the voters the node starts with (its log's configuration entries take over). */
    public List<Integer> voterIds() {
        return members.stream().map(Member::id).filter(memberId -> !observers.contains(memberId)).toList();
    }

    /** {@code observers=ID,ID}: member ids that join as observers (written by {@code server --join} for an observer). */
    private static Set<Integer> observerIds(String value) {
        Set<Integer> ids = new TreeSet<>();
        if (value == null || value.isBlank()) {
            return ids;
        }
        for (String part : value.split(",")) {
            try {
                ids.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                throw bad("observers", value, "a comma-separated list of member ids, e.g. 8,9");
            }
        }
        return ids;
    }

    /** Reads a file; {@code overrides} (from flags) win over it. */
    public static NodeConfig load(Path file, Map<String, String> overrides) {
        return fromMap(values(file, overrides));
    }

    /** The file's keys ({@code file} may be null: none) with {@code overrides} winning, before any check. */
    public static Map<String, String> values(Path file, Map<String, String> overrides) {
        Properties properties = new Properties();
        if (file != null) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read configuration file " + file + ": " + e.getMessage(), e);
            }
        }
        Map<String, String> values = new TreeMap<>();
        properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k).trim()));
        values.putAll(overrides);
        return values;
    }

    public static NodeConfig fromMap(Map<String, String> values) {
        List<Member> members = new ArrayList<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().startsWith("member.")) {
                members.add(parseMember(e.getKey(), e.getValue()));
            } else if (!KEYS.contains(e.getKey()) && !e.getKey().startsWith(TOKEN_KEY_PREFIX)) {
                throw bad(e.getKey(), e.getValue(), "unknown key; known keys: member.N, auth.token.NAME, " + new TreeSet<>(KEYS));
            }
        }
        String dataDir = values.get("dataDir");
        return new NodeConfig(integer(values, "id", -1), members, dataDir == null ? null : Path.of(dataDir),
                integer(values, "tickMs", 50), integer(values, "snapshotEveryEntries", 10_000),
                integer(values, "historyEntriesMax", 10_000), integer(values, "loopQueueMax", 100_000),
                integer(values, "subscriberBufferMax", 10_000), integer(values, "requestTimeoutMs", 10_000),
                integer(values, "clientConnectionsMax", 1_024), integer(values, "proposalsInflightMax", 1_000), tls(values),
                bool(values, "insecure"), AuthKeys.parse(values), values.getOrDefault("clusterName", CLUSTER_NAME_DEFAULT),
                observerIds(values.get("observers")));
    }

    /** The tls.* keys: all three files or none; each file readable, and together a certificate and key that load. */
    private static Tls tls(Map<String, String> values) {
        int handshakeTimeoutMs = integer(values, "tls.handshakeTimeoutMs", HANDSHAKE_TIMEOUT_MS_DEFAULT);
        String mode = values.getOrDefault("tls.clientAuth", "require");
        ClientAuth clientAuth = switch (mode.toLowerCase(Locale.ROOT)) {
            case "require" -> ClientAuth.REQUIRE;
            case "optional" -> ClientAuth.OPTIONAL;
            case "none" -> ClientAuth.NONE;
            default -> throw bad("tls.clientAuth", mode, "require, optional or none (client certificates on the client port)");
        };
        List<String> keys = List.of("tls.ca", "tls.cert", "tls.key");
        List<String> given = keys.stream().filter(k -> !values.getOrDefault(k, "").isBlank()).toList();
        if (given.isEmpty()) {
            return null;
        }
        for (String key : keys) {
            String file = values.getOrDefault(key, "");
            if (file.isBlank()) {
                throw bad(key, "(missing)", "tls.ca, tls.cert and tls.key go together (given: " + given + ")");
            }
            if (!Files.isRegularFile(Path.of(file)) || !Files.isReadable(Path.of(file))) {
                throw bad(key, file, "a readable PEM file");
            }
        }
        TlsFiles files = new TlsFiles(Path.of(values.get("tls.ca")), Path.of(values.get("tls.cert")), Path.of(values.get("tls.key")));
        try {
            PemTls.server(files, clientAuth);
        } catch (IllegalArgumentException e) {
            throw bad("tls.cert", files.cert().toString(), e.getMessage());
        }
        return new Tls(files, clientAuth, handshakeTimeoutMs);
    }

    private static boolean bool(Map<String, String> values, String key) {
        String value = values.getOrDefault(key, "false").trim();
        if (!value.equals("true") && !value.equals("false")) {
            throw bad(key, value, "true or false");
        }
        return value.equals("true");
    }

    /**
     * Writes {@code nodeDir/signalbox.conf} for member {@code id} of {@code members}, with its
     * data in {@code nodeDir/data}: the file {@link #load} reads. Returns its path.
     */
    public static Path writeFile(Path nodeDir, int id, List<Member> members) throws java.io.IOException {
        return writeFile(nodeDir, id, members, Map.of());
    }

    /** As {@link #writeFile(Path, int, List)}, with more keys (tls.*, insecure, ...) after the members. */
    public static Path writeFile(Path nodeDir, int id, List<Member> members, Map<String, String> more) throws java.io.IOException {
        Path conf = nodeDir.resolve("signalbox.conf");
        StringBuilder text = new StringBuilder("id=" + id + "\n");
        for (Member m : members) {
            text.append("member.").append(m.id()).append('=').append(m.host()).append(':').append(m.peerPort()).append(':')
                    .append(m.clientPort()).append(':').append(m.adminPort()).append('\n');
        }
        text.append("dataDir=").append(nodeDir.resolve("data").toAbsolutePath()).append('\n');
        new TreeMap<>(more).forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        java.nio.file.Files.writeString(conf, text);
        return conf;
    }

    /** A local cluster's member list: node i listens on basePort+i (peers), +100+i (clients), +200+i (admin). */
    public static List<Member> localMembers(int count, int basePort) {
        List<Member> members = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            members.add(new Member(i, "127.0.0.1", basePort + i, basePort + 100 + i, basePort + 200 + i));
        }
        return members;
    }

    public static NodeConfig local(int id, List<Member> members, Path dataDir) {
        return new NodeConfig(id, members, dataDir, 50, 10_000, 10_000, 100_000, 10_000, 10_000, 1_024, 1_000, null, false);
    }

    private static Member parseMember(String key, String value) {
        int memberId;
        try {
            memberId = Integer.parseInt(key.substring("member.".length()));
        } catch (NumberFormatException e) {
            throw bad(key, value, "member keys are member.N with N a positive number");
        }
        if (memberId <= 0) {
            throw bad(key, value, "member ids are positive");
        }
        String[] parts = value.split(":");
        if (parts.length != 4 || parts[0].isEmpty()) {
            throw bad(key, value, "host:peerPort:clientPort:adminPort, e.g. 127.0.0.1:7001:7101:7201");
        }
        int[] ports = new int[3];
        for (int i = 0; i < 3; i++) {
            try {
                ports[i] = Integer.parseInt(parts[i + 1]);
            } catch (NumberFormatException e) {
                throw bad(key, value, "ports must be numbers in 1..65535");
            }
            if (ports[i] < 1 || ports[i] > 65_535) {
                throw bad(key, value, "ports must be in 1..65535");
            }
        }
        return new Member(memberId, parts[0], ports[0], ports[1], ports[2]);
    }

    private static int integer(Map<String, String> values, String key, int fallback) {
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw bad(key, value, "a whole number");
        }
    }

    private static void range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw bad(key, String.valueOf(value), "must be in " + min + ".." + max);
        }
    }

    private static IllegalArgumentException bad(String key, String value, String allowed) {
        return new IllegalArgumentException("configuration " + key + "=" + value + ": " + allowed);
    }
}
