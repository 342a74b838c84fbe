package io.signalbox.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Linux network namespaces standing in for hosts: host i is namespace {@code PREFIX-ni} with
 * {@code eth0} at {@code SUBNET.i/24}, joined by a veth pair ({@code PREFIX-hi} in the root
 * namespace, {@code PREFIX-pi} inside, renamed {@code eth0}) to one bridge {@code PREFIX-br} at
 * {@code SUBNET.254} in the root namespace. Each user picks its own prefix and subnet (the chaos
 * harness {@code sbx} and 10.77.7.x, the multi-host test {@code sbh} and 10.77.8.x), so one never
 * removes the other's. Needs root and iproute2. Not thread-safe: one owner builds and removes it.
 */
public final class HostNetwork {
    /** Host numbers are one digit, so every name stays far below the 15 characters of an interface name. */
    public static final int HOSTS_MAX = 9;
    private static final Pattern PREFIX = Pattern.compile("[a-z]{2,6}");
    private static final Pattern SUBNET = Pattern.compile("(\\d{1,3}\\.){3}");
    private static final int COMMAND_TIMEOUT_S = 10;
    private static final int COMMAND_OUTPUT_MAX_BYTES = 16 * 1024;

    private final String prefix;
    private final String subnet;
    private final int hosts;

    /**
     * @param prefix lower-case letters, 2 to 6, e.g. {@code sbx}
     * @param subnet the first three octets of a /24 with a trailing dot, e.g. {@code 10.77.7.}
     * @param hosts 1 to {@link #HOSTS_MAX}
     */
    public HostNetwork(String prefix, String subnet, int hosts) {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("host network prefix \"" + prefix + "\": 2 to 6 lower-case letters, e.g. sbx");
        }
        if (!SUBNET.matcher(subnet).matches()) {
            throw new IllegalArgumentException("host network subnet \"" + subnet + "\": three octets and a dot, e.g. 10.77.7.");
        }
        if (hosts < 1 || hosts > HOSTS_MAX) {
            throw new IllegalArgumentException("host network of " + hosts + " hosts: 1.." + HOSTS_MAX);
        }
        this.prefix = prefix;
        this.subnet = subnet;
        this.hosts = hosts;
    }

    public int hosts() {
        return hosts;
    }

    public String bridge() {
        return prefix + "-br";
    }

    /** The bridge's address in the root namespace: where processes outside every host are reached from them. */
    public String bridgeAddress() {
        return subnet + "254";
    }

    public String subnet() {
        return subnet;
    }

    public String namespace(int host) {
        return prefix + "-n" + host;
    }

    public String address(int host) {
        return subnet + host;
    }

    /** Creates the bridge and every host; throws naming the first command that failed (the caller then calls {@link #remove}). */
    public void build() {
        run("ip", "link", "add", bridge(), "type", "bridge");
        run("ip", "addr", "add", bridgeAddress() + "/24", "dev", bridge());
        run("ip", "link", "set", bridge(), "up");
        for (int i = 1; i <= hosts; i++) {
            String ns = namespace(i);
            String outside = prefix + "-h" + i;
            String inside = prefix + "-p" + i;
            run("ip", "netns", "add", ns);
            run("ip", "link", "add", outside, "type", "veth", "peer", "name", inside);
            run("ip", "link", "set", inside, "netns", ns);
            run("ip", "link", "set", outside, "master", bridge());
            run("ip", "link", "set", outside, "up");
            inside(i, "ip", "link", "set", inside, "name", "eth0");
            inside(i, "ip", "addr", "add", address(i) + "/24", "dev", "eth0");
            inside(i, "ip", "link", "set", "eth0", "up");
            inside(i, "ip", "link", "set", "lo", "up");
        }
    }

    /**
     * Removes the bridge and every host this prefix can name (1..{@link #HOSTS_MAX}, so the leftovers of a
     * killed run with more hosts go too); what is not there is skipped. Processes inside must be stopped first.
     */
    public void remove() {
        for (int i = 1; i <= HOSTS_MAX; i++) {
            tryRun("ip", "link", "del", prefix + "-h" + i); // removes both ends now; a deleted namespace frees its end only later
            tryRun("ip", "netns", "del", namespace(i));
        }
        tryRun("ip", "link", "del", bridge());
    }

    /** {@code ip netns exec NAMESPACE} followed by {@code command}: to start a process inside host {@code host}. */
    public List<String> command(int host, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
        full.addAll(command);
        return full;
    }

    /** Runs a short command inside a host; throws with its output if it fails. */
    public void inside(int host, String... command) {
        run(command(host, List.of(command)).toArray(String[]::new));
    }

    /** Runs a short command inside a host; null on success, else its output. */
    public String tryInside(int host, String... command) {
        return tryRun(command(host, List.of(command)).toArray(String[]::new));
    }

    /**
     * kill -9 of every process inside this prefix's namespaces (1..{@link #HOSTS_MAX}), whoever started it: a
     * process that outlives its parent by design (a proxy a sync agent manages) would keep a namespace busy.
     */
    public void killProcessesInside() {
        for (int i = 1; i <= HOSTS_MAX; i++) {
            Result pids = execute("ip", "netns", "pids", namespace(i));
            if (pids.exit() != 0) {
                continue; // no such namespace
            }
            for (String pid : pids.output().strip().split("\\s+")) {
                if (!pid.isEmpty()) {
                    tryRun("kill", "-9", pid);
                }
            }
        }
    }

    /** Runs a short command (at most 10 s); throws with its output if it fails. */
    public static void run(String... command) {
        output(command);
    }

    /** Runs a short command (at most 10 s); its output, or throws with it if it fails. */
    public static String output(String... command) {
        Result result = execute(command);
        if (result.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + result.output().strip());
        }
        return result.output();
    }

    /** Runs a short command (at most 10 s); null on success, else its output or why it did not finish. */
    public static String tryRun(String... command) {
        Result result = execute(command);
        return result.exit() == 0 ? null : result.output().strip();
    }

    private record Result(int exit, String output) {}

    private static Result execute(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readNBytes(COMMAND_OUTPUT_MAX_BYTES);
            if (!process.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "did not finish within " + COMMAND_TIMEOUT_S + " s");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
