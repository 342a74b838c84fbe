package io.signalbox.consensus.impl;

import io.signalbox.consensus.Role;
import io.signalbox.consensus.message.ZabMessage;

/**
 * A node that a committed configuration entry took out of the voters: it no longer votes,
 * leads or follows, and ignores every message (the members in force drop its messages too).
 * Its history stays as it was, readable for status; the runtime may stop it.
 */
final class RemovedPhase implements Phase {
    @Override
    public Role role() {
        return Role.REMOVED;
    }

    @Override
    public int leaderId() {
        return 0;
    }

    @Override
    public boolean established() {
        return false;
    }

    @Override
    public void tick() {
        // Nothing to time out: a removed node waits to be stopped.
    }

    @Override
    public void receive(int from, ZabMessage message) {
        // Not a voter any more: neither votes nor proposals may move its state.
    }

    @Override
    public void persistedAdvanced() {
        // Writes issued before the removal still complete; nothing waits on them.
    }

    @Override
    public void checkInvariants() {
        // No state of its own.
    }
}
