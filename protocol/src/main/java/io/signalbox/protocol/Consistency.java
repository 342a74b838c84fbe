package io.signalbox.protocol;

/** How fresh a read must be. */
public enum Consistency {
    /** From the node asked, once it has applied the client's last seen zxid: never backwards for that client. */
    LOCAL,
    /** From the leader, after a quorum round confirmed it still leads: nothing committed before the read is missed. */
    LINEARIZABLE
}
