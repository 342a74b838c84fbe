package io.signalbox.chaos;

import io.signalbox.simulation.history.LinearizabilityChecker;
import io.signalbox.simulation.history.Op;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The judgements on a chaos run's history; each returns a verdict line, and the failures' details. */
final class ChaosChecks {
    /** One check's verdict. */
    record Verdict(String check, boolean passed, String detail) {
        String line() {
            return (passed ? "PASS " : "FAIL ") + check + ": " + detail;
        }
    }

    private ChaosChecks() {}

    /** Every check on a saved run, in the report's order. */
    static List<Verdict> all(ChaosSaved run) {
        List<Verdict> verdicts = new ArrayList<>(List.of(linearizable(run.operations(), run.initialValues()),
                localReadsMonotonic(run.operations()), noAcknowledgedWriteLost(run.operations(), run.log()),
                streamIsAPrefixOfTheLog(run.stream(), run.log(), run.streamSnapshotZxid()), run.sessions(), digestsEqual(run.digests()),
                diskFailuresStopTheNode(run.nemesisEvents(), run.nodeLogs())));
        if (run.tls()) {
            verdicts.add(everyStartHadTls(run.nodeLogs()));
        }
        return verdicts;
    }

    /**
     * A {@code --tls} run ran as it says: every start of every node (restarts after kill, power loss,
     * wipe) had TLS on all three ports with client certificates required, and none ran insecure=true.
     */
    static Verdict everyStartHadTls(Map<Integer, String> nodeLogs) {
        int starts = 0;
        for (Map.Entry<Integer, String> node : nodeLogs.entrySet()) {
            int ofNode = 0;
            for (String line : node.getValue().split("\n")) {
                if (line.contains("node " + node.getKey() + ": insecure=true")) {
                    return new Verdict("tls", false, "node " + node.getKey() + " ran insecure=true: " + line);
                }
                if (line.contains("node " + node.getKey() + " started: ")) {
                    ofNode++;
                    if (!line.contains("admin https://") || !line.contains(", TLS (") || !line.contains("client certificates require)")) {
                        return new Verdict("tls", false, "node " + node.getKey() + " started without TLS on every port and client "
                                + "certificates required: " + line);
                    }
                }
            }
            if (ofNode == 0) {
                return new Verdict("tls", false, "node " + node.getKey() + "'s log has no start line (\"node " + node.getKey()
                        + " started: ...\")");
            }
            starts += ofNode;
        }
        return new Verdict("tls", true, "all " + starts + " starts of " + nodeLogs.size() + " nodes had TLS on every port with client "
                + "certificates required, none insecure=true");
    }

    /** LINEARIZABLE reads, writes and compare-and-sets: linearizable per key. */
    static Verdict linearizable(List<ChaosHistory.Entry> history, Map<String, Long> initial) {
        List<Op> ops = new ArrayList<>();
        for (ChaosHistory.Entry entry : history) {
            if (!entry.consistency().equals("LOCAL")) {
                ops.add(entry.op());
            }
        }
        long started = System.nanoTime();
        LinearizabilityChecker.Result result = LinearizabilityChecker.check(ops, initial);
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (result.linearizable()) {
            return new Verdict("linearizability", true, ops.size() + " operations checked in " + millis + " ms (" + result.steps()
                    + " search steps)" + (result.complete() ? "" : "; INCOMPLETE: " + result.explanation()));
        }
        StringBuilder window = new StringBuilder(result.explanation()).append("\n  smallest failing window:");
        result.window().forEach(op -> window.append("\n    ").append(op));
        return new Verdict("linearizability", false, window.toString());
    }

    /**
     * LOCAL reads, per client and key: never older than what the client already saw or wrote
     * (the client sends the highest zxid it has seen; a node answers only once it has applied it).
     */
    static Verdict localReadsMonotonic(List<ChaosHistory.Entry> history) {
        List<ChaosHistory.Entry> sorted = new ArrayList<>(history);
        sorted.sort(Comparator.comparingLong(e -> e.op().invokeNanos()));
        Map<String, Long> seen = new HashMap<>();
        int checked = 0;
        for (ChaosHistory.Entry entry : sorted) {
            Op op = entry.op();
            if (op.outcome() != Op.Outcome.OK) {
                continue;
            }
            String slot = op.process() + "/" + op.key();
            long before = seen.getOrDefault(slot, 0L);
            if (entry.consistency().equals("LOCAL")) {
                checked++;
                if (op.version() < before) {
                    return new Verdict("local reads", false, "client " + op.process() + " read " + op.key() + " at version "
                            + Long.toHexString(op.version()) + " after it had seen " + Long.toHexString(before) + ": " + op);
                }
            }
            seen.put(slot, Math.max(before, op.version()));
        }
        return new Verdict("local reads", true, checked + " LOCAL reads never went back behind what their client had seen or written");
    }

    /** Every acknowledged write is in the log the cluster ends with. */
    static Verdict noAcknowledgedWriteLost(List<ChaosHistory.Entry> history, List<ChaosSaved.Logged> log) {
        Set<Long> zxids = new HashSet<>();
        log.forEach(e -> zxids.add(e.zxid()));
        int acknowledged = 0;
        for (ChaosHistory.Entry entry : history) {
            Op op = entry.op();
            if (op.kind() != Op.Kind.READ && op.outcome() == Op.Outcome.OK) {
                acknowledged++;
                if (!zxids.contains(op.version())) {
                    return new Verdict("acknowledged writes", false, "acknowledged at zxid " + Long.toHexString(op.version())
                            + ", missing from the final log: " + op);
                }
            }
        }
        return new Verdict("acknowledged writes", true, acknowledged + " acknowledged writes, every one in the final log of "
                + log.size() + " entries");
    }

    /** What the subscriber saw is a gap-free, in-order, duplicate-free stretch of the log, event for event. */
    static Verdict streamIsAPrefixOfTheLog(List<ChaosSaved.Logged> stream, List<ChaosSaved.Logged> log, long snapshotZxid) {
        if (stream.isEmpty()) {
            return new Verdict("event stream", log.isEmpty(), "the subscriber saw nothing of " + log.size() + " entries");
        }
        int start = 0;
        while (start < log.size() && log.get(start).zxid() < stream.get(0).zxid()) {
            start++;
        }
        if (snapshotZxid == 0 && start != 0) {
            return new Verdict("event stream", false, "the stream began at " + Long.toHexString(stream.get(0).zxid())
                    + ", skipping " + start + " entries without a snapshot");
        }
        for (int i = 0; i < stream.size(); i++) {
            if (start + i >= log.size()) {
                return new Verdict("event stream", false, "the stream has entry " + Long.toHexString(stream.get(i).zxid())
                        + " that the log does not");
            }
            ChaosSaved.Logged expected = log.get(start + i);
            if (!expected.equals(stream.get(i))) {
                return new Verdict("event stream", false, "position " + i + ": the stream has " + Long.toHexString(stream.get(i).zxid())
                        + ", the log " + Long.toHexString(expected.zxid()) + (expected.zxid() == stream.get(i).zxid()
                        ? " with other events" : ""));
            }
        }
        return new Verdict("event stream", true, stream.size() + " entries in log order without a gap or a repeat"
                + (snapshotZxid == 0 ? "" : " after a snapshot at " + Long.toHexString(snapshotZxid)));
    }

    /** Every node ends with the same configuration. */
    static Verdict digestsEqual(Map<Integer, Long> digests) {
        boolean same = new HashSet<>(digests.values()).size() == 1;
        StringBuilder detail = new StringBuilder();
        digests.forEach((node, digest) -> detail.append(detail.length() == 0 ? "" : ", ").append("node ").append(node).append(' ')
                .append(Long.toHexString(digest)));
        return new Verdict("replica digests", same && digests.size() > 0, detail.toString());
    }

    private static final java.util.regex.Pattern DISK_HEAL =
            java.util.regex.Pattern.compile("node (\\d+) (\\d+) operations failed, (stopped|STILL RUNNING)");

    /**
     * A node whose disk failed an operation stopped by itself and said why in its log (the
     * StorageWriter's "node N storage failure" line, or, when the fault met it while starting,
     * "cannot start node N: ..."), so it never went on trusting a write or an fsync that failed.
     * Reads the heal events of {@link ChaosDiskFaults} and the node logs.
     */
    static Verdict diskFailuresStopTheNode(List<String> nemesisEvents, Map<Integer, String> nodeLogs) {
        int faulty = 0;
        for (String event : nemesisEvents) {
            if (!event.startsWith("heal disk-")) {
                continue;
            }
            java.util.regex.Matcher m = DISK_HEAL.matcher(event);
            while (m.find()) {
                int node = Integer.parseInt(m.group(1));
                if (Long.parseLong(m.group(2)) == 0) {
                    continue;
                }
                faulty++;
                if (!m.group(3).equals("stopped")) {
                    return new Verdict("disk failures", false, "node " + node + " went on running after its disk failed: " + event);
                }
                String log = nodeLogs.getOrDefault(node, "");
                if (!log.contains("node " + node + " storage failure") && !log.contains("cannot start node " + node + ":")) {
                    return new Verdict("disk failures", false, "node " + node + " stopped without saying why in its log (neither "
                            + "its storage-failure line nor a failed start): " + event);
                }
            }
        }
        return new Verdict("disk failures", true, faulty == 0 ? "no disk operation failed"
                : "in " + faulty + " fault windows a node's disk failed an operation; each time the node stopped and logged why");
    }
}
