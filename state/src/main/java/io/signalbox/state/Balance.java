package io.signalbox.state;

/** The balance algorithm of a service. */
public enum Balance { ROUNDROBIN, LEASTCONN, RANDOM, FIRST, SOURCE }
