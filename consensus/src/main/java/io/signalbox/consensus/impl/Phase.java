package io.signalbox.consensus.impl;

import io.signalbox.consensus.Role;
import io.signalbox.consensus.message.ZabMessage;

/** One role a node plays between two role changes: looking, following or leading. */
interface Phase {
    Role role();

    /** The leader this node follows or is, 0 while looking. */
    int leaderId();

    boolean established();

    void tick();

    void receive(int from, ZabMessage message);

    /** The storage reported more of the log durable ({@link Peer#lastPersistedZxid} already moved). */
    void persistedAdvanced();

    /** Checks this phase's own invariants at the end of every step. */
    void checkInvariants();
}
