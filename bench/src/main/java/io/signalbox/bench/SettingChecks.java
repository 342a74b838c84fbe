package io.signalbox.bench;

import java.util.List;

/**
 * The checks every benchmark's {@code Settings} record makes when it is built, so a refused
 * value is refused before anything starts, always worded the same way: what was given, and
 * what is allowed. Names are the command's option names, since that is what a user typed.
 */
final class SettingChecks {
    /** The highest base port: node i of a cluster (or ensemble) listens up to base+200+i, and 5 nodes is the most we start. */
    static final int BASE_PORT_MAX = 65_000;
    static final int BASE_PORT_MIN = 1_024;

    private SettingChecks() {}

    static void inRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ", got " + value);
        }
    }

    static void basePort(String name, int port) {
        inRange(name, port, BASE_PORT_MIN, BASE_PORT_MAX);
    }

    /** Both ZooKeeper and Signalbox, or one of them; the result keeps the order they run in (ZooKeeper first). */
    static List<String> systems(List<String> systems) {
        List<String> known = List.of("zookeeper", "signalbox");
        if (systems.isEmpty() || !known.containsAll(systems)) {
            throw new IllegalArgumentException("--systems must be zookeeper and/or signalbox, got " + systems);
        }
        return known.stream().filter(systems::contains).toList();
    }
}
