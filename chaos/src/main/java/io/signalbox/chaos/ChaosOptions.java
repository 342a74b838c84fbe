package io.signalbox.chaos;

import java.util.List;

/**
 * What one chaos run does; checked when built, with an error that names the value.
 *
 * @param nemesis     any of {@link ChaosNemesis#KINDS}
 * @param unsafeReads          TEST ONLY: servers answer LINEARIZABLE reads without the quorum round (ZOOKEEPER-1675)
 * @param unsafeAckBeforeFsync TEST ONLY: servers acknowledge appends before their fsync (caught by {@code powerloss})
 * @param tls         TLS on every port of every node with client certificates required and roles checked, as
 *                    beyond loopback in production; without, the nodes run {@code insecure=true}
 */
public record ChaosOptions(int nodes, long seconds, List<String> nemesis, long seed, int clients, int keys, boolean unsafeReads,
                           boolean unsafeAckBeforeFsync, boolean tls) {
    public ChaosOptions {
        nemesis = List.copyOf(nemesis);
        if ((nodes != 3 && nodes != 5) || seconds < 5 || seconds > 3_600 || clients < 1 || clients > 64 || keys < 1 || keys > 1_000) {
            throw new IllegalArgumentException("--nodes 3 or 5, --time 5s..1h, --clients 1..64, --keys 1..1000 (got " + nodes + ", "
                    + seconds + "s, " + clients + ", " + keys + ")");
        }
        ChaosNemesis.checkKinds(nemesis);
        if (nemesis.contains("membership") && nodes < 5) {
            throw new IllegalArgumentException("nemesis membership needs --nodes 5 (got " + nodes + "): a 3-node cluster cannot lose a "
                    + "voter, at least 3 remain");
        }
        if (unsafeAckBeforeFsync && !nemesis.contains("powerloss")) {
            throw new IllegalArgumentException("--unsafe-ack-before-fsync needs powerloss in --nemesis (got " + String.join(",", nemesis)
                    + "): only a power loss can show an acknowledgement sent before its fsync");
        }
    }
}
