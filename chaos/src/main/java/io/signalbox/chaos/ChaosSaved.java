package io.signalbox.chaos;

import io.signalbox.common.Json;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.simulation.history.Op;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * A run as saved in its directory, everything the checkers judge: {@code history.jsonl}
 * (operations and nemesis events), {@code final.jsonl} (what the run read after healing: the
 * final log, the subscriber's stream, the replica digests and the sessions verdict, which
 * needed the live cluster) and {@code nodeI/node.log}. The run saves it and checks what it
 * loads back, so {@code chaos check DIR} judges a saved run exactly as the run did.
 *
 * @param log    the final log: zxid and a checksum of each entry's events
 * @param stream what the subscriber received, likewise
 * @param tls    the run was {@code --tls} (a {@code {"transport":"tls"}} line; runs saved before it have none and were plaintext)
 */
record ChaosSaved(List<ChaosHistory.Entry> operations, List<String> nemesisEvents, Map<String, Long> initialValues,
                  List<Logged> log, List<Logged> stream, long streamSnapshotZxid, Map<Integer, Long> digests,
                  ChaosChecks.Verdict sessions, Map<Integer, String> nodeLogs, boolean tls) {
    static final String HISTORY = "history.jsonl";
    static final String FINAL = "final.jsonl";
    static final int NODES_MAX = 9;

    /** A log entry as saved: its zxid and a CRC32C of its events, which is what equality of entries needs. */
    record Logged(long zxid, String events) {
        static Logged of(StreamEntry entry) {
            CRC32C crc = new CRC32C();
            crc.update(entry.events().toString().getBytes(StandardCharsets.UTF_8));
            return new Logged(entry.zxid(), Long.toHexString(crc.getValue()));
        }
    }

    /** Writes {@code final.jsonl} into {@code directory}. */
    static void saveFinal(Path directory, List<StreamEntry> log, List<StreamEntry> stream, long streamSnapshotZxid,
                          Map<Integer, Long> digests, ChaosChecks.Verdict sessions, boolean tls) throws IOException {
        List<String> lines = new ArrayList<>();
        if (tls) {
            lines.add("{\"transport\":\"tls\"}");
        }
        log.forEach(e -> lines.add("{\"log\":" + e.zxid() + ",\"events\":" + Json.quote(Logged.of(e).events()) + "}"));
        stream.forEach(e -> lines.add("{\"stream\":" + e.zxid() + ",\"events\":" + Json.quote(Logged.of(e).events()) + "}"));
        lines.add("{\"streamSnapshot\":" + streamSnapshotZxid + "}");
        digests.forEach((node, digest) -> lines.add("{\"digest\":" + node + ",\"value\":" + Json.quote(Long.toHexString(digest)) + "}"));
        lines.add("{\"sessions\":" + sessions.passed() + ",\"detail\":" + Json.quote(sessions.detail()) + "}");
        Files.write(directory.resolve(FINAL), lines, StandardCharsets.UTF_8);
    }

    /**
     * Reads a saved run from {@code directory}.
     *
     * @throws IllegalArgumentException naming the file and line that is missing or does not parse
     */
    static ChaosSaved load(Path directory) throws IOException {
        List<ChaosHistory.Entry> operations = new ArrayList<>();
        List<String> events = new ArrayList<>();
        Map<String, Long> initial = new TreeMap<>();
        forEachLine(directory.resolve(HISTORY), fields -> {
            if (fields.containsKey("nemesis")) {
                events.add(fields.get("nemesis"));
                return;
            }
            Op op = new Op(number(fields, "id"), (int) number(fields, "process"), text(fields, "key"),
                    Op.Kind.valueOf(text(fields, "f").toUpperCase(Locale.ROOT)), Op.Outcome.valueOf(text(fields, "outcome").toUpperCase(Locale.ROOT)),
                    number(fields, "value"), number(fields, "expected"), number(fields, "version"), number(fields, "invokeNs"),
                    number(fields, "completeNs") < 0 ? Long.MAX_VALUE : number(fields, "completeNs"));
            operations.add(new ChaosHistory.Entry(op, text(fields, "consistency")));
            initial.put(op.key(), (long) ChaosWorkload.INITIAL_VALUE);
        });
        List<Logged> log = new ArrayList<>();
        List<Logged> stream = new ArrayList<>();
        long[] snapshot = {0};
        Map<Integer, Long> digests = new TreeMap<>();
        ChaosChecks.Verdict[] sessions = {null};
        boolean[] tls = {false};
        forEachLine(directory.resolve(FINAL), fields -> {
            if (fields.containsKey("transport")) {
                String transport = text(fields, "transport");
                if (!transport.equals("tls")) {
                    throw new IllegalArgumentException("transport \"" + transport + "\": the only one saved is tls");
                }
                tls[0] = true;
            } else if (fields.containsKey("log")) {
                log.add(new Logged(number(fields, "log"), text(fields, "events")));
            } else if (fields.containsKey("stream")) {
                stream.add(new Logged(number(fields, "stream"), text(fields, "events")));
            } else if (fields.containsKey("streamSnapshot")) {
                snapshot[0] = number(fields, "streamSnapshot");
            } else if (fields.containsKey("digest")) {
                digests.put((int) number(fields, "digest"), Long.parseUnsignedLong(text(fields, "value"), 16));
            } else if (fields.containsKey("sessions")) {
                sessions[0] = new ChaosChecks.Verdict("sessions", Boolean.parseBoolean(text(fields, "sessions")), text(fields, "detail"));
            } else {
                throw new IllegalArgumentException("a line with none of transport, log, stream, streamSnapshot, digest, sessions: " + fields);
            }
        });
        if (sessions[0] == null) {
            throw new IllegalArgumentException(directory.resolve(FINAL) + " has no sessions line");
        }
        Map<Integer, String> logs = new TreeMap<>();
        for (int node = 1; node <= NODES_MAX; node++) {
            Path file = directory.resolve("node" + node).resolve("node.log");
            if (Files.exists(file)) {
                logs.put(node, Files.readString(file));
            }
        }
        return new ChaosSaved(operations, events, initial, log, stream, snapshot[0], digests, sessions[0], logs, tls[0]);
    }

    private interface Fields {
        void accept(Map<String, String> fields);
    }

    private static void forEachLine(Path file, Fields handler) throws IOException {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("a saved chaos run needs " + file + ", which does not exist");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                handler.accept(FlatJson.parse(lines.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
    }

    private static String text(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no field \"" + name + "\" in " + fields);
        }
        return value;
    }

    private static long number(Map<String, String> fields, String name) {
        String value = text(fields, name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field \"" + name + "\" is \"" + value + "\", not an integer");
        }
    }
}
