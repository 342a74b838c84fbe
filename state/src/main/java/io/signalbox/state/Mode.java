package io.signalbox.state;

/** How a service is proxied. */
public enum Mode { HTTP, TCP }
