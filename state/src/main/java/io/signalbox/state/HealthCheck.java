package io.signalbox.state;

/**
 * A health check: an HTTP GET of {@code httpPath}, or a TCP connect when the path is empty.
 * {@code rise} successes mark a server up, {@code fall} failures mark it down.
 */
public record HealthCheck(String httpPath, int intervalMs, int rise, int fall) {}
