package io.signalbox.consensus;

/** The ZAB server states (FastLeaderElection's LOOKING / FOLLOWING / LEADING). */
public enum Role { LOOKING, FOLLOWING, LEADING }
