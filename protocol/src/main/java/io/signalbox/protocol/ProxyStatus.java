package io.signalbox.protocol;

/** A sync agent's last report as the leader sees it: how many committed entries its proxy is behind, and how old the report is. */
public record ProxyStatus(ProxyReport report, long lagEntries, long reportAgeMs) {}
