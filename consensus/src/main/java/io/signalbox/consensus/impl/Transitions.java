package io.signalbox.consensus.impl;

/** How a phase hands over to the next one; implemented by the core. */
interface Transitions {
    /** Back to Fast Leader Election, with the reason for the operator's log. */
    void lookForLeader(String reason);

    void follow(Vote vote);

    void lead(Vote vote);
}
