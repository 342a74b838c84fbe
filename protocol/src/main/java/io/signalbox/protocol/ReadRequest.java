package io.signalbox.protocol;

import java.util.Objects;

/**
 * A read of the configuration.
 *
 * @param minZxid LOCAL: the node waits until it has applied this (the client's last seen zxid)
 * @param service empty: every service (and the sessions); else only that one
 * @param atZxid  0: current; else the configuration as of this retained zxid
 */
public record ReadRequest(Consistency consistency, long minZxid, String service, long atZxid) implements ClientRequest {
    public ReadRequest {
        Objects.requireNonNull(consistency, "consistency");
        service = service == null ? "" : service;
    }
}
