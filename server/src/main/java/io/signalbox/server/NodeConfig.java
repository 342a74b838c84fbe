package io.signalbox.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * </pre>
 */
public record NodeConfig(int id, List<Member> members, Path dataDir, int tickMs, int snapshotEveryEntries,
                         int historyEntriesMax, int loopQueueMax, int subscriberBufferMax, int requestTimeoutMs,
                         int clientConnectionsMax, int proposalsInflightMax) {

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
            "loopQueueMax", "subscriberBufferMax", "requestTimeoutMs", "clientConnectionsMax", "proposalsInflightMax");

    public NodeConfig {
        members = List.copyOf(members);
        if (!(members.size() == 3 || members.size() == 5 || members.size() == 7)) {
            throw bad("member.*", members.size() + " members", "a cluster has 3, 5 or 7 members");
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
        range("tickMs", tickMs, 1, 10_000);
        range("snapshotEveryEntries", snapshotEveryEntries, 10, 10_000_000);
        range("historyEntriesMax", historyEntriesMax, 2, 10_000_000);
        range("loopQueueMax", loopQueueMax, 16, 10_000_000);
        range("subscriberBufferMax", subscriberBufferMax, 1, 10_000_000);
        range("requestTimeoutMs", requestTimeoutMs, 10, 600_000);
        range("clientConnectionsMax", clientConnectionsMax, 1, 1_000_000);
        range("proposalsInflightMax", proposalsInflightMax, 1, 1_000_000);
    }

    public Member self() {
        return member(id);
    }

    public Member member(int memberId) {
        return members.stream().filter(m -> m.id() == memberId).findFirst().orElse(null);
    }

    public List<Integer> voterIds() {
        return members.stream().map(Member::id).toList();
    }

    /** Reads a file; {@code overrides} (from flags) win over it. */
    public static NodeConfig load(Path file, Map<String, String> overrides) {
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
        return fromMap(values);
    }

    public static NodeConfig fromMap(Map<String, String> values) {
        List<Member> members = new ArrayList<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().startsWith("member.")) {
                members.add(parseMember(e.getKey(), e.getValue()));
            } else if (!KEYS.contains(e.getKey())) {
                throw bad(e.getKey(), e.getValue(), "unknown key; known keys: member.N, " + new TreeSet<>(KEYS));
            }
        }
        String dataDir = values.get("dataDir");
        return new NodeConfig(integer(values, "id", -1), members, dataDir == null ? null : Path.of(dataDir),
                integer(values, "tickMs", 50), integer(values, "snapshotEveryEntries", 10_000),
                integer(values, "historyEntriesMax", 10_000), integer(values, "loopQueueMax", 100_000),
                integer(values, "subscriberBufferMax", 10_000), integer(values, "requestTimeoutMs", 10_000),
                integer(values, "clientConnectionsMax", 1_024), integer(values, "proposalsInflightMax", 1_000));
    }

    /** A local cluster's member list: node i listens on basePort+i (peers), +100+i (clients), +200+i (admin). */
    /**
     * Writes {@code nodeDir/signalbox.conf} for member {@code id} of {@code members}, with its
     * data in {@code nodeDir/data}: the file {@link #load} reads. Returns its path.
     */
    public static Path writeFile(Path nodeDir, int id, List<Member> members) throws java.io.IOException {
        Path conf = nodeDir.resolve("signalbox.conf");
        StringBuilder text = new StringBuilder("id=" + id + "\n");
        for (Member m : members) {
            text.append("member.").append(m.id()).append('=').append(m.host()).append(':').append(m.peerPort()).append(':')
                    .append(m.clientPort()).append(':').append(m.adminPort()).append('\n');
        }
        text.append("dataDir=").append(nodeDir.resolve("data").toAbsolutePath()).append('\n');
        java.nio.file.Files.writeString(conf, text);
        return conf;
    }

    public static List<Member> localMembers(int count, int basePort) {
        List<Member> members = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            members.add(new Member(i, "127.0.0.1", basePort + i, basePort + 100 + i, basePort + 200 + i));
        }
        return members;
    }

    public static NodeConfig local(int id, List<Member> members, Path dataDir) {
        return new NodeConfig(id, members, dataDir, 50, 10_000, 10_000, 100_000, 10_000, 10_000, 1_024, 1_000);
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
