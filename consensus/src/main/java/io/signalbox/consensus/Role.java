package io.signalbox.consensus;

/**
 * The ZAB server states (FastLeaderElection's LOOKING / FOLLOWING / LEADING), and REMOVED: a
 * committed configuration entry took this node out of the voters, so it no longer votes,
 * leads or follows (its last state stays readable).
 */
public enum Role { LOOKING, FOLLOWING, LEADING, REMOVED }
