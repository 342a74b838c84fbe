package io.signalbox.state;

/** READY takes traffic; DRAIN finishes existing sessions but takes no new ones; MAINT takes none. */
public enum ServerState { READY, DRAIN, MAINT }
