package io.signalbox.state;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an identity may do. {@code read}: reads, watch, history, status. {@code report}: a sync
 * agent's report of what its proxy applied (a separate grant so that a read-only identity
 * cannot forge what the status page says a proxy runs). {@code operate}: change servers
 * (add, set, drain, maint, ready, rm, ephemeral registration and its session) of the services
 * in its scope, and read. {@code admin}: everything, including services and roles.
 */
public enum Role {
    READ, REPORT, OPERATE, ADMIN;

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws Rejection naming the value and the roles there are */
    public static Role parse(String field, String value) {
        for (Role role : values()) {
            if (role.text().equals(value)) {
                return role;
            }
        }
        throw new Rejection(field, Rejection.quote(value) + " is not a role: use one of "
                + Arrays.stream(values()).map(Role::text).collect(Collectors.joining(", ")));
    }
}
