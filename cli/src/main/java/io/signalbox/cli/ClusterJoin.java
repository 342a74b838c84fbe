package io.signalbox.cli;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.HostPort;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.StatusResult;
import io.signalbox.tls.TlsFiles;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code server --join HOST:PORT}: asks one member for the configuration in force and turns it
 * into this start's {@code member.N} keys (and {@code observers}, the ids that only observe).
 * The node must have been added first ({@code ctl member add}): a node the cluster does not
 * list as a member is refused, naming the members.
 */
final class ClusterJoin {
    private ClusterJoin() {}

    static Map<String, String> memberKeys(String address, int selfId, String clusterName, TlsFiles tls) {
        StatusResult status;
        try (SignalboxClient client = new SignalboxClient(ClientOptions.of(address).withRetryDeadlineMs(10_000).withTls(tls))) {
            status = client.status();
        }
        if (!status.clusterName().equals(clusterName)) {
            throw new IllegalArgumentException("node " + selfId + " is configured for cluster \"" + clusterName + "\", and member "
                    + status.nodeId() + " at " + address + " is of cluster \"" + status.clusterName() + "\" (clusterName)");
        }
        return memberKeys(status, selfId, address);
    }

    /** The keys for the members {@code status} lists; {@code from} names where it came from, for the refusal. */
    static Map<String, String> memberKeys(StatusResult status, int selfId, String from) {
        Map<String, String> keys = new TreeMap<>();
        java.util.List<String> observers = new java.util.ArrayList<>();
        for (Member m : status.members()) {
            if (Member.NONE.equals(m.voting())) {
                continue;
            }
            if (Member.OBSERVER.equals(m.voting())) {
                observers.add(String.valueOf(m.id()));
            }
            HostPort peer = HostPort.parse(m.peerAddress());
            HostPort client = HostPort.parse(m.clientAddress());
            HostPort admin = HostPort.parse(m.adminAddress());
            if (!peer.host().equals(client.host()) || !peer.host().equals(admin.host())) {
                throw new IllegalArgumentException("member " + m.id() + " has its ports on different hosts (" + peer + ", " + client
                        + ", " + admin + "); member.N keys need one host: list the members in the configuration instead of --join");
            }
            keys.put("member." + m.id(), peer.host() + ":" + peer.port() + ":" + client.port() + ":" + admin.port());
        }
        Member self = status.member(selfId);
        if (self == null || Member.NONE.equals(self.voting())) {
            throw new IllegalArgumentException("node " + selfId + " is not a member of the cluster at " + from + " (members "
                    + keys.keySet() + "); add it first: signalbox ctl member add " + selfId
                    + " --peer HOST:PORT --client HOST:PORT --admin HOST:PORT");
        }
        if (!observers.isEmpty()) {
            keys.put("observers", String.join(",", observers));
        }
        return keys;
    }
}
